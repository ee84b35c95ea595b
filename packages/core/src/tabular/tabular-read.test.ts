import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MlpError } from '../errors/mlp-error.js';
import { postgresCsvScanSql, tabularScanSql } from './scan-sql.js';
import { connectSharedTabularDb, openTabularDb, type TabularDb } from './tabular-db.js';
import { resolveTabularFormat } from './tabular-format.js';
import { tabularReadError } from './tabular-read-error.js';

const require = createRequire(import.meta.url);
const vegaData = path.join(path.dirname(require.resolve('vega-datasets')), '..', 'data');

let dir: string;
let db: TabularDb;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'mlp-tabular-'));
  db = await openTabularDb({ threads: 2, memoryLimit: '1GB' });
});
afterAll(async () => {
  await db.close();
  await rm(dir, { recursive: true, force: true });
});

/** Every row of `file`, read through the shared scan SQL; a DuckDB failure becomes the shared MlpError. */
async function readRows(file: string): Promise<Record<string, unknown>[]> {
  const format = resolveTabularFormat(file);
  const connection = await db.connect();
  try {
    return (await connection.runAndReadAll(`SELECT * FROM ${tabularScanSql(file, format)}`)).getRowObjectsJS();
  } catch (error) {
    throw await tabularReadError(error, file, format);
  } finally {
    connection.closeSync();
  }
}

async function failure(promise: Promise<unknown>): Promise<MlpError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!MlpError.isInstance(error)) throw new Error(`expected an MlpError, got ${String(error)}`);
  return error;
}

async function write(name: string, content: string | Buffer): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, content);
  return file;
}

describe('reading tabular files', () => {
  it('reads CSV with quoted delimiters, doubled quotes and newlines inside fields, and TSV', async () => {
    const csv = await write('quoted.csv', 'id,note\n1,"a, b"\n2,"say ""hi"""\n3,"two\nlines"\n');
    expect(await readRows(csv)).toEqual([
      { id: 1n, note: 'a, b' },
      { id: 2n, note: 'say "hi"' },
      { id: 3n, note: 'two\nlines' },
    ]);
    const tsv = await write('tabs.tsv', 'id\tnote\n1\ta, b\n');
    expect(await readRows(tsv)).toEqual([{ id: 1n, note: 'a, b' }]);
    const gz = await write('packed.csv.gz', gzipSync('id,note\n7,x\n'));
    expect(await readRows(gz)).toEqual([{ id: 7n, note: 'x' }]);
  });

  it('reads JSON lines and a JSON array', async () => {
    const jsonl = await write('points.jsonl', '{"x": 1.5, "label": "a"}\n{"x": null, "label": "b"}\n');
    expect(await readRows(jsonl)).toEqual([
      { x: 1.5, label: 'a' },
      { x: null, label: 'b' },
    ]);
    const json = await write('points.json', '[{"x": 1}, {"x": 2}]');
    expect(await readRows(json)).toEqual([{ x: 1n }, { x: 2n }]);
  });

  it('reads Parquet (vega-datasets flights)', async () => {
    const connection = await connectSharedTabularDb();
    try {
      const file = path.join(vegaData, 'flights-3m.parquet');
      const counted = await connection.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM ${tabularScanSql(file, 'parquet')}`);
      expect(counted.getRowObjectsJson()).toEqual([{ n: 3_000_000 }]);
    } finally {
      connection.closeSync();
    }
  });
});

describe('a CSV PostgreSQL wrote (postgresCsvScanSql)', () => {
  it('reads the given types, an unquoted empty field as NULL and a quoted one as the empty string', async () => {
    // What COPY (format csv) writes for (1, 'a, "b"'), (2, ''), (NULL, NULL); one file with its header, one without.
    const rows = '1,"a, ""b"""\n2,""\n,\n';
    const columns = [
      { name: 'id', type: 'BIGINT' },
      { name: 'note', type: 'VARCHAR' },
    ];
    const connection = await db.connect();
    try {
      for (const [file, header] of [
        [await write('copy-header.csv', `id,note\n${rows}`), true],
        [await write('copy.csv', rows), false],
      ] as const) {
        const read = await connection.runAndReadAll(`SELECT * FROM ${postgresCsvScanSql(file, columns, { header })}`);
        expect(read.getRowObjectsJS()).toEqual([
          { id: 1n, note: 'a, "b"' },
          { id: 2n, note: '' },
          { id: null, note: null },
        ]);
      }
    } finally {
      connection.closeSync();
    }
  });
});

describe('read failures', () => {
  it('names the line and the problem of a malformed CSV row', async () => {
    const lines = ['a,b,c', ...Array.from({ length: 5000 }, (_, i) => `${i},"x ${i}",${i * 2}`)];
    lines[4000] = '3999,"x\n3999",7998,surplus'; // record starting on line 4001
    const file = await write('malformed.csv', `${lines.join('\n')}\n`);
    const error = await failure(readRows(file));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain(`Malformed CSV in ${file}: line 4001 has 4 fields; the header has 3. Fix that row`);
    expect(error.details).toEqual({ file, format: 'csv', line: 4001 });
  });

  it('reports a surplus field on the last line instead of taking that line for the header', async () => {
    const file = await write('last-line.csv', 'a,b\n1,2\n3,4,5\n');
    const error = await failure(readRows(file));
    expect(error.message).toContain('line 3 has 3 fields; the header has 2');
  });

  it('names the line and column of a value that does not fit the type inferred from the rows before', async () => {
    const rows = ['a,b', ...Array.from({ length: 40_000 }, (_, i) => `${i},${i}`)];
    rows[35_000] = 'oops,1'; // line 35,001, past DuckDB's type-sniffing sample
    const file = await write('late-text.csv', `${rows.join('\n')}\n`);
    const error = await failure(readRows(file));
    expect(error.message).toBe(
      `Bad value in CSV ${file} at line 35001: column "a": Could not convert string "oops" to 'BIGINT', a type DuckDB inferred from the rows before. Fix that value.`,
    );
    expect(error.details).toEqual({ file, format: 'csv', line: 35_001 });
  });

  it('names the line of an unclosed quote in a TSV file', async () => {
    const file = await write('open-quote.tsv', 'a\tb\n1\t2\n3\t"open\n4\t5\n');
    const error = await failure(readRows(file));
    expect(error.message).toContain('Malformed TSV');
    expect(error.message).toContain('line 3 opens a quoted field that never closes');
  });

  it('says which column is unknown, and what DuckDB found wrong with a file', async () => {
    const file = await write('ok.csv', 'speed,name\n1,a\n');
    const connection = await db.connect();
    const unknown = await connection
      .run(`SELECT sped FROM ${tabularScanSql(file, 'csv')}`)
      .catch((error: unknown) => tabularReadError(error, file, 'csv'));
    connection.closeSync();
    expect(unknown).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining(`${file} has no column "sped"`) });
    const broken = await write('broken.parquet', 'not parquet at all');
    const error = await failure(readRows(broken));
    expect(error.message).toMatch(/^Cannot read .*broken\.parquet as parquet: .+\. Check that the file is valid parquet\.$/);
  });
});

describe('openTabularDb', () => {
  it('refuses bad settings, and a closed instance gives no connection', async () => {
    await expect(openTabularDb({ threads: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(openTabularDb({ memoryLimit: 'lots' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await using own = await openTabularDb({ threads: 1 });
    const connection = await own.connect();
    expect((await connection.runAndReadAll(`SELECT current_setting('threads') AS t`)).getRowObjectsJS()).toEqual([{ t: 1n }]);
    await own.close();
    await expect(own.connect()).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
  });
});
