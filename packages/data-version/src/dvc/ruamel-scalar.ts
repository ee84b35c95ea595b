/**
 * A string value of a block mapping, written as DVC writes it: DVC dumps `.dvc` files with
 * ruamel.yaml's round-trip dumper (YAML 1.2, allow_unicode, default width 80). These are that
 * emitter's rules (emitter.py `analyze_scalar`, `choose_scalar_style`, `write_plain`,
 * `write_single_quoted`, `write_double_quoted`; resolver.py's 1.2 implicit resolvers), restated.
 */

/** ruamel's default best_width. DVC does not set a width. */
export const RUAMEL_WIDTH = 80;

// resolver.py, YAML 1.2: a plain scalar matching one of these would load as another type.
const implicitTypes: RegExp[] = [
  /^(?:true|True|TRUE|false|False|FALSE)$/,
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)|[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  /^(?:[-+]?0b[0-1_]+|[-+]?0o?[0-7_]+|[-+]?[0-9_]+|[-+]?0x[0-9a-fA-F_]+)$/,
  /^(?:<<)$/,
  /^(?:~|null|Null|NULL|)$/,
  /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/,
  /^(?:=)$/,
];

/** Whether ruamel would resolve the plain scalar to something other than a string. */
function resolvesToOtherType(value: string): boolean {
  // Python's `$` also matches before a final newline.
  const text = value.endsWith('\n') ? value.slice(0, -1) : value;
  return implicitTypes.some((pattern) => pattern.test(text));
}

const BREAKS = '\n\x85\u2028\u2029';
const WHITESPACE = `\0 \t\r${BREAKS}`;

/** Characters as Python iterates a str: by code point. */
const chars = (value: string): string[] => Array.from(value);

function isPrintable(ch: string): boolean {
  if (ch === '\n' || (ch >= '\x20' && ch <= '\x7e')) return true;
  const code = ch.codePointAt(0) as number;
  if (code === 0xfeff) return false;
  return code === 0x85 || (code >= 0xa0 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
}

type Style = 'plain' | 'single' | 'double';

/** `analyze_scalar` + `choose_scalar_style` for a block mapping value (not a key, not in a flow collection). */
export function ruamelStyle(value: string): Style {
  if (value === '' || resolvesToOtherType(value)) return value.includes("'") || value.includes('\n') ? 'double' : 'single';
  const text = chars(value);
  let blockIndicators = value.startsWith('---') || value.startsWith('...');
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let precededByWhitespace = true;
  let followedByWhitespace = text.length === 1 || WHITESPACE.includes(text[1] as string);
  let previousSpace = false;
  let previousBreak = false;
  text.forEach((ch, index) => {
    if (index === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) blockIndicators = true;
      if ('?:'.includes(ch) && followedByWhitespace) blockIndicators = true;
      if (ch === '-' && followedByWhitespace) blockIndicators = true;
    } else {
      if (ch === ':' && followedByWhitespace) blockIndicators = true;
      if (ch === '#' && precededByWhitespace) blockIndicators = true;
    }
    if (BREAKS.includes(ch)) lineBreaks = true;
    if (!isPrintable(ch)) special = true;
    if (ch === ' ') {
      if (index === 0) leadingSpace = true;
      if (index === text.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (BREAKS.includes(ch)) {
      if (index === 0) leadingBreak = true;
      if (index === text.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = WHITESPACE.includes(ch);
    followedByWhitespace = index + 2 >= text.length || WHITESPACE.includes(text[index + 2] as string);
  });
  let plain = !(leadingSpace || leadingBreak || trailingSpace || trailingBreak);
  let single = true;
  if (breakSpace || special || spaceBreak) plain = single = false;
  if (lineBreaks || blockIndicators) plain = false;
  if (plain) return 'plain';
  // ruamel prefers double quotes for a value holding a quote or a line break.
  if (value.includes("'") || value.includes('\n')) return 'double';
  return single ? 'single' : 'double';
}

/**
 * The text ruamel writes after `key:` for `value`: starting with the separating space, folded
 * at single spaces once the line is past `width` columns (never split mid-word), continuation
 * lines indented to `indent`. `column` is where `key:` ends.
 */
export function ruamelValue(value: string, column: number, indent: number, width = RUAMEL_WIDTH): string {
  const style = ruamelStyle(value);
  const text = chars(value);
  let out = ' ';
  let col = column + 1;
  const newLine = () => {
    out += `\n${' '.repeat(indent)}`;
    col = indent;
  };
  const write = (data: string) => {
    out += data;
    col += chars(data).length;
  };
  if (style === 'double') {
    write('"');
    writeDoubleQuoted(text, write, newLine, () => col, width);
    write('"');
    return out;
  }
  if (style === 'single') write("'");
  // write_plain / write_single_quoted: a run of exactly one space past the width becomes a line break.
  let start = 0;
  let spaces = false;
  let breaks = false;
  for (let end = 0; end <= text.length; end++) {
    const ch = text[end];
    if (spaces) {
      if (ch !== ' ') {
        const fold = start + 1 === end && col > width && (style === 'plain' || (start !== 0 && end !== text.length));
        if (fold) newLine();
        else write(text.slice(start, end).join(''));
        start = end;
      }
    } else if (breaks) {
      if (ch === undefined || !BREAKS.includes(ch)) {
        // Only single-quoted values reach here (plain never holds a break); each break is doubled.
        if (text[start] === '\n') out += '\n';
        for (const br of text.slice(start, end)) out += br === '\n' ? '\n' : br;
        out += ' '.repeat(indent);
        col = indent;
        start = end;
      }
    } else if (ch === undefined || ch === ' ' || BREAKS.includes(ch) || (style === 'single' && ch === "'")) {
      if (start < end) write(text.slice(start, end).join(''));
      start = end;
    }
    if (style === 'single' && ch === "'") {
      write("''");
      start = end + 1;
    }
    if (ch !== undefined) {
      spaces = ch === ' ';
      breaks = BREAKS.includes(ch);
    }
  }
  if (style === 'single') write("'");
  return out;
}

const escapes: Record<string, string> = {
  '\0': '0',
  '\x07': 'a',
  '\x08': 'b',
  '\x09': 't',
  '\x0a': 'n',
  '\x0b': 'v',
  '\x0c': 'f',
  '\x0d': 'r',
  '\x1b': 'e',
  '"': '"',
  '\\': '\\',
  '\x85': 'N',
  '\xa0': '_',
  '\u2028': 'L',
  '\u2029': 'P',
};

function escapeChar(ch: string): string {
  const known = escapes[ch];
  if (known) return `\\${known}`;
  const code = ch.codePointAt(0) as number;
  const hex = code.toString(16).toUpperCase();
  if (code <= 0xff) return `\\x${hex.padStart(2, '0')}`;
  if (code <= 0xffff) return `\\u${hex.padStart(4, '0')}`;
  return `\\U${hex.padStart(8, '0')}`;
}

/** write_double_quoted: escapes, and a fold (`\` at the line end) at a space once past the width. */
function writeDoubleQuoted(text: string[], write: (data: string) => void, newLine: () => void, col: () => number, width: number): void {
  let start = 0;
  for (let end = 0; end <= text.length; end++) {
    const ch = text[end];
    const code = ch === undefined ? 0 : (ch.codePointAt(0) as number);
    const verbatim =
      ch !== undefined &&
      !'"\\\x85\u2028\u2029\ufeff'.includes(ch) &&
      ((ch >= '\x20' && ch <= '\x7e') || (code >= 0xa0 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd));
    if (!verbatim) {
      if (start < end) {
        write(text.slice(start, end).join(''));
        start = end;
      }
      if (ch !== undefined) {
        write(escapeChar(ch));
        start = end + 1;
      }
    }
    if (end > 0 && end < text.length - 1 && (ch === ' ' || start >= end) && col() + (end - start) > width) {
      write(`${text.slice(start, end).join('')}\\`);
      if (start < end) start = end;
      newLine();
      if (text[start] === ' ') write('\\');
    }
  }
}
