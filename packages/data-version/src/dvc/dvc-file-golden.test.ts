import { chmod, mkdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { createTempDir, type TempDir } from '@mlp/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { openDataRepo } from './data-repo.js';
import { parseDvcFile, renderDvcFile } from './dvc-file.js';
import { writeTree } from './test-project.js';

const md5 = 'acbd18db4cc2f85cedef654fccc4a4d8';
const dvcFile = (pathLine: string) => `outs:\n- md5: ${md5}\n  size: 3\n  hash: md5\n  ${pathLine}\n`;

// Expected bytes derived from ruamel.yaml's emitter (analyze_scalar, choose_scalar_style, write_plain,
// write_single_quoted, write_double_quoted) and its YAML 1.2 resolver, with DVC's settings (round-trip
// dumper, allow_unicode, width 80). `path:` ends at column 7; a folded line continues at column 4.
const goldens: Array<[name: string, line: string, rule: string]> = [
  ['foo', 'path: foo', 'plain when nothing forbids it'],
  ['123', "path: '123'", 'plain 123 resolves to int: quoted (implicit[0] false), single as it has no quote'],
  ['1.5', "path: '1.5'", 'resolves to float'],
  ['1_000', "path: '1_000'", 'resolves to int (underscores allowed in 1.2 ints)'],
  ['0x1F', "path: '0x1F'", 'resolves to int (hex)'],
  ['0o17', "path: '0o17'", 'resolves to int (octal)'],
  ['.inf', "path: '.inf'", 'resolves to float'],
  ['2024-01-01', "path: '2024-01-01'", 'resolves to timestamp'],
  ['null', "path: 'null'", 'resolves to null'],
  ['~', "path: '~'", 'resolves to null'],
  ['true', "path: 'true'", 'resolves to bool'],
  ['TRUE', "path: 'TRUE'", 'resolves to bool'],
  ['yes', 'path: yes', 'YAML 1.2: yes is a string (only 1.1 made it a bool)'],
  ['=', "path: '='", 'resolves to the value tag'],
  ['<<', "path: '<<'", 'resolves to merge'],
  ['weird: name #1.txt', "path: 'weird: name #1.txt'", '": " and " #" are block indicators'],
  ['x:y', 'path: x:y', '":" not followed by a space is no indicator'],
  ['a#b', 'path: a#b', '"#" not preceded by a space is no indicator'],
  ['-a', 'path: -a', 'leading "-" is an indicator only when a space follows'],
  ['- a', "path: '- a'", 'leading "- " is a block indicator'],
  ['?x', 'path: ?x', 'leading "?" without a following space is allowed in block context'],
  ['@x', "path: '@x'", 'leading @ is an indicator'],
  ['*x', "path: '*x'", 'leading * is an indicator'],
  ['&x', "path: '&x'", 'leading & is an indicator'],
  ['!x', "path: '!x'", 'leading ! is an indicator'],
  ['%x', "path: '%x'", 'leading % is an indicator'],
  ['---x', "path: '---x'", 'a leading document marker'],
  ['trail ', "path: 'trail '", 'a trailing space forbids plain'],
  [' lead', "path: ' lead'", 'a leading space forbids plain'],
  ["it's", "path: it's", 'an inner quote is fine in plain'],
  ["'q'", `path: "'q'"`, 'not plain, and holding a quote: ruamel prefers double quotes'],
  ["-it's ", `path: "-it's "`, 'not plain (trailing space), holds a quote: double'],
  ['café', 'path: café', 'allow_unicode: printable non-ASCII stays as is'],
  ['a\tb', 'path: "a\\tb"', 'a tab is a special character: double quoted, escaped'],
  ['line\nbreak', 'path: "line\\nbreak"', 'a line break: double quoted'],
  ['bom\ufeff', 'path: "bom\\uFEFF"', 'U+FEFF is special: escaped with upper-case hex'],
  ['caf\udce9.txt', 'path: "caf\\uDCE9.txt"', "a lone surrogate (Python's surrogateescape of byte 0xE9) is special"],
  [
    `${'a '.repeat(50)}end`,
    `path: ${'a '.repeat(37).trimEnd()}\n    ${'a '.repeat(13)}end`,
    'write_plain breaks at a single space once the column is past 80: the 37th "a" ends at column 81',
  ],
  ['a'.repeat(100), `path: ${'a'.repeat(100)}`, 'no space: never folded'],
  [
    `${'x'.repeat(74)} b  c`,
    `path: ${'x'.repeat(74)}\n    b  c`,
    'the fold replaces the first single space past column 80; a run of two spaces is never a fold point',
  ],
  [
    `@${'w '.repeat(45)}`,
    `path: '@${'w '.repeat(36).trimEnd()}\n    ${'w '.repeat(9)}'`,
    'write_single_quoted folds the same way, but never at the last character',
  ],
  [
    `\t${'y '.repeat(45)}z`,
    `path: "\\t${'y '.repeat(36).trimEnd()}\\\n    \\ ${'y '.repeat(9)}z"`,
    'write_double_quoted: at a space once column + pending > 80, writes the text and "\\", continues at the indent with "\\" before the space',
  ],
];

describe('.dvc files byte for byte as DVC (ruamel.yaml) writes them', () => {
  it.each(goldens)('path %j', (name, line) => {
    const text = renderDvcFile({ md5, size: 3, path: name });
    expect(text).toBe(dvcFile(line));
    // And it reads back to the same name.
    expect(parseDvcFile(text, '/p/x.dvc').outs[0]?.path).toBe(name);
  });

  it('matches .dvc files DVC 3 wrote, as quoted in public READMEs', () => {
    // `cat data.dvc` after `dvc add data` (a folder of 16,643 files), and a file's `.dvc` file.
    expect(renderDvcFile({ md5: 'a3a457d03c51ff8b037a833440f6ad13.dir', size: 1188442712, nfiles: 16643, path: 'data' })).toBe(
      'outs:\n- md5: a3a457d03c51ff8b037a833440f6ad13.dir\n  size: 1188442712\n  nfiles: 16643\n  hash: md5\n  path: data\n',
    );
    expect(renderDvcFile({ md5: 'd08ae445bfa70901879bfe45ae78de40', size: 2160, path: 'sst_sample.csv' })).toBe(
      'outs:\n- md5: d08ae445bfa70901879bfe45ae78de40\n  size: 2160\n  hash: md5\n  path: sst_sample.csv\n',
    );
  });

  it('quotes an md5 that would load as a number', () => {
    const digits = '12345678901234567890123456789012';
    expect(renderDvcFile({ md5: digits, size: 1, path: 'f' })).toBe(`outs:\n- md5: '${digits}'\n  size: 1\n  hash: md5\n  path: f\n`);
    expect(renderDvcFile({ md5: '1234567e901234567890123456789012', size: 1, path: 'f' })).toContain(
      "- md5: '1234567e901234567890123456789012'\n",
    );
  });

  it('writes isexec: true between the meta and hash, as Output.dumpd orders it', () => {
    expect(renderDvcFile({ md5, size: 3, isexec: true, path: 'run.sh' })).toBe(
      `outs:\n- md5: ${md5}\n  size: 3\n  isexec: true\n  hash: md5\n  path: run.sh\n`,
    );
    expect(
      parseDvcFile(`outs:\n- md5: ${md5}\n  size: 3\n  isexec: true\n  hash: md5\n  path: run.sh\n`, '/p/run.sh.dvc').outs[0]?.isexec,
    ).toBe(true);
  });
});

describe('isexec', () => {
  let temp: TempDir | undefined;
  afterEach(async () => {
    await temp?.remove();
  });

  // DVC's tests/func/test_add.py::test_add_executable: foo (mode | S_IEXEC) gives md5, path, size 3, isexec True, hash md5.
  it('add records an executable file with isexec: true, and checkout gives it its execute bit back', async () => {
    temp = await createTempDir('mlp-isexec-');
    const root = path.join(temp.path, 'project');
    await mkdir(root);
    const repo = await openDataRepo({ root, lockWaitMs: 300 });
    await writeTree(root, { 'run.sh': 'foo', 'data.csv': 'foo' });
    await chmod(path.join(root, 'run.sh'), 0o755);
    await repo.add(['run.sh', 'data.csv']);
    expect(await readFile(path.join(root, 'run.sh.dvc'), 'utf8')).toBe(
      `outs:\n- md5: ${md5}\n  size: 3\n  isexec: true\n  hash: md5\n  path: run.sh\n`,
    );
    expect(await readFile(path.join(root, 'data.csv.dvc'), 'utf8')).toBe(dvcFile('path: data.csv'));

    await rm(path.join(root, 'run.sh'));
    await rm(path.join(root, 'data.csv'));
    await repo.checkout();
    expect((await stat(path.join(root, 'run.sh'))).mode & 0o100).toBe(0o100);
    expect((await stat(path.join(root, 'data.csv'))).mode & 0o111).toBe(0);

    // Same bytes, execute bit lost: checkout restores the bit.
    await chmod(path.join(root, 'run.sh'), 0o644);
    await repo.checkout();
    expect((await stat(path.join(root, 'run.sh'))).mode & 0o100).toBe(0o100);
  });
});
