/**
 * File names that are not UTF-8, carried as Python (so DVC) carries them: in text, with each byte
 * that is not part of valid UTF-8 escaped as a lone surrogate U+DC80..U+DCFF (`surrogateescape`,
 * `os.fsdecode`). That text is what DVC writes into a folder manifest (`"caf\udce9.csv"`), so
 * names compare and hash the same as DVC's; `osPath` turns such text back into the bytes for the
 * file system (`os.fsencode`), since Node would write a lone surrogate as U+FFFD, another name.
 */

/** A lone low surrogate in the escape range (not the second half of a pair). */
const escapedByte = /(?<![\ud800-\udbff])[\udc80-\udcff]/;

/**
 * A file name read as bytes: the UTF-8 text, or for other bytes the text Python (DVC) makes of it
 * with surrogateescape (each undecodable byte b becomes U+DC00+b).
 */
export function decodeFileName(bytes: Buffer): { name: string; utf8: boolean } {
  const text = bytes.toString('utf8');
  if (!text.includes('\ufffd') || Buffer.from(text, 'utf8').equals(bytes)) return { name: text, utf8: true };
  let name = '';
  for (let index = 0; index < bytes.length; ) {
    const length = validSequenceLength(bytes, index);
    if (length === 0) {
      name += String.fromCharCode(0xdc00 + (bytes[index] as number));
      index += 1;
    } else {
      name += bytes.subarray(index, index + length).toString('utf8');
      index += length;
    }
  }
  return { name, utf8: false };
}

/** The length of the well-formed UTF-8 sequence at `index` (Unicode table 3-7), or 0. */
function validSequenceLength(bytes: Buffer, index: number): number {
  const b0 = bytes[index] as number;
  const at = (offset: number) => bytes[index + offset] ?? -1;
  const cont = (value: number, low = 0x80, high = 0xbf) => value >= low && value <= high;
  if (b0 <= 0x7f) return 1;
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(at(1)) ? 2 : 0;
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const [low, high] = b0 === 0xe0 ? [0xa0, 0xbf] : b0 === 0xed ? [0x80, 0x9f] : [0x80, 0xbf];
    return cont(at(1), low, high) && cont(at(2)) ? 3 : 0;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const [low, high] = b0 === 0xf0 ? [0x90, 0xbf] : b0 === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
    return cont(at(1), low, high) && cont(at(2)) && cont(at(3)) ? 4 : 0;
  }
  return 0;
}

/**
 * The bytes of a name decoded with surrogateescape (`os.fsencode`). Undefined when the text holds a
 * lone surrogate that no byte escapes to (U+D800..U+DC7F, U+DD00..U+DFFF): no file has that name.
 */
export function encodeFileName(name: string): Buffer | undefined {
  const parts: Buffer[] = [];
  let start = 0;
  for (let index = 0; index < name.length; index++) {
    const code = name.charCodeAt(index);
    if (code < 0xd800 || code > 0xdfff) continue;
    const next = name.charCodeAt(index + 1);
    if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      index++; // a pair: an astral character, plain UTF-8
      continue;
    }
    if (code < 0xdc80 || code > 0xdcff) return undefined;
    parts.push(Buffer.from(name.slice(start, index), 'utf8'), Buffer.of(code - 0xdc00));
    start = index + 1;
  }
  parts.push(Buffer.from(name.slice(start), 'utf8'));
  return Buffer.concat(parts);
}

/** A path for Node's file system calls: the text itself, or the bytes when it carries escaped bytes. */
export function osPath(text: string): string | Buffer {
  if (!escapedByte.test(text)) return text;
  return encodeFileName(text) ?? text;
}

/** Python's repr of escaped bytes, for messages: `caf\xe9.csv`. */
export function shownFileName(text: string): string {
  return text.replace(new RegExp(escapedByte, 'g'), (char) => `\\x${(char.charCodeAt(0) - 0xdc00).toString(16)}`);
}
