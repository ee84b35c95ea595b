import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { MlpError, openWorkspace, type Workspace } from '@mlp/core';
import {
  createTempDir,
  createTestBucket,
  createTestDatabase,
  type TempDir,
  type TestDatabase,
  type TestS3Server,
  testS3Server,
} from '@mlp/core/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatasetCatalog, openDatasetCatalog } from '../catalog/dataset-catalog.js';
import { openDataRepo } from '../dvc/data-repo.js';
import { openTable } from '../readers/open-table.js';

// Ingestion end to end: real files, a real HTTP server, the S3-protocol server process, a real
// PostgreSQL table; versions land in a real data repository and the catalog on the embedded database.

const vega = path.join(path.dirname(createRequire(import.meta.url).resolve('vega-datasets')), '..', 'data');
const weatherCsv = path.join(vega, 'seattle-weather.csv');

let temp: TempDir;
let workspace: Workspace;
let catalog: DatasetCatalog;
let server: Server;
let baseUrl: string;

async function thrown(promise: Promise<unknown>): Promise<MlpError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!MlpError.isInstance(error)) throw new Error(`expected an MlpError, got ${String(error)}`);
  return error;
}

const md5Of = async (file: string) =>
  createHash('md5')
    .update(await readFile(file))
    .digest('hex');

/** Names in `folder` other than `keep`: temporary files left behind would show up here. */
async function strays(folder: string, keep: string[] = []): Promise<string[]> {
  return (await readdir(folder)).filter((name) => !keep.includes(name));
}

async function countRows(file: string): Promise<number> {
  let rows = 0;
  for await (const batch of (await openTable(file)).batches()) rows += batch.length;
  return rows;
}

beforeAll(async () => {
  temp = await createTempDir('mlp-ingest-');
  workspace = await openWorkspace({ dir: temp.path, logLevel: 'warn' });
  catalog = await openDatasetCatalog(workspace, { repo: await openDataRepo({ root: temp.path }), user: 'linus' });
  server = createServer((request, response) => {
    if (request.url === '/data/weather.csv') {
      response.writeHead(200, { 'content-type': 'text/csv', etag: '"w-1"' });
      createReadStream(weatherCsv).pipe(response);
    } else if (request.url === '/export?id=7') {
      // No extension in the URL: the format comes from Content-Type.
      response.writeHead(200, { 'content-type': 'application/x-ndjson' });
      response.end('{"id": 1, "score": 0.5}\n{"id": 2, "score": 0.75}\n');
    } else if (request.url === '/broken.csv') {
      // Promises 100 kB, sends a little, then drops the connection.
      response.writeHead(200, { 'content-type': 'text/csv', 'content-length': '100000' });
      // Dropped once the first bytes are flushed: an event, not a delay.
      response.write('a,b\n1,2\n', () => response.socket?.destroy());
    } else {
      response.writeHead(404).end('not here');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await workspace.close();
  await temp.remove();
});

describe('ingest from local files', () => {
  it('converts the vega flights JSON to Parquet and versions it with its schema', async () => {
    const phases: string[] = [];
    const result = await catalog.ingest({
      source: path.join(vega, 'flights-20k.json'),
      to: 'data/flights.parquet',
      onProgress: (progress) => {
        if (phases.at(-1) !== progress.phase) phases.push(progress.phase);
      },
    });
    expect(phases).toEqual(['download', 'convert', 'version']);
    expect(result).toMatchObject({ created: true, format: 'parquet', rows: 20_000, path: path.join(temp.path, 'data', 'flights.parquet') });
    expect(result.version).toMatchObject({
      ref: 'flights@1',
      path: 'data/flights.parquet',
      format: 'parquet',
      createdBy: 'linus',
      source: { kind: 'file', uri: path.join(vega, 'flights-20k.json') },
      schema: { format: 'parquet', rowCount: 20_000 },
    });
    expect(result.version.schema?.columns.map((column) => column.name)).toEqual(['date', 'delay', 'distance', 'origin', 'destination']);
    expect(result.version.rootHash).toBe(await md5Of(result.path));
    expect(await countRows(result.path)).toBe(20_000);
    expect(await readFile(`${result.path}.dvc`, 'utf8')).toContain(result.version.rootHash);
    expect(await strays(path.join(temp.path, 'data'), ['flights.parquet', 'flights.parquet.dvc', '.gitignore'])).toEqual([]);
  });

  it('keeps the bytes of a CSV ingested as CSV, and re-ingesting it is the same version', async () => {
    const first = await catalog.ingest({ source: weatherCsv, to: 'data/weather.csv', name: 'weather' });
    expect(first.version.rootHash).toBe(await md5Of(weatherCsv));
    expect(first.rows).toBe(1461);
    const again = await catalog.ingest({ source: weatherCsv, to: 'data/weather.csv', name: 'weather' });
    expect(again.created).toBe(false);
    expect(again.version.ref).toBe('weather@1');
  });

  it('refuses a malformed CSV with its line, leaving nothing at the target', async () => {
    const bad = path.join(temp.path, 'bad-input.csv');
    await writeFile(bad, 'id,name\n1,ok\n2,"never closed\n3,x\n');
    const error = await thrown(catalog.ingest({ source: bad, to: 'data/bad.parquet' }));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain(`Malformed CSV in ${bad}: line 3 opens a quoted field that never closes`);
    await expect(stat(path.join(temp.path, 'data', 'bad.parquet'))).rejects.toThrow();
    expect((await readdir(path.join(temp.path, 'data'))).filter((name) => name.includes('.tmp'))).toEqual([]);
    expect((await thrown(catalog.getVersion('bad@latest'))).code).toBe('NOT_FOUND');
  });

  it('refuses bad options before doing anything', async () => {
    expect((await thrown(catalog.ingest({ source: weatherCsv, to: 'data/weather.xlsx' }))).message).toContain('name it .csv or .parquet');
    expect((await thrown(catalog.ingest({ source: weatherCsv, to: '../outside.csv' }))).message).toContain('inside the data repository');
    expect((await thrown(catalog.ingest({ source: 'ftp://host/x.csv', to: 'data/x.csv' }))).code).toBe('INVALID_ARGUMENT');
    expect((await thrown(catalog.ingest({ source: path.join(temp.path, 'missing.csv'), to: 'data/x.csv' }))).code).toBe('NOT_FOUND');
    expect((await thrown(catalog.ingest({ source: weatherCsv, to: 'data/x.csv', query: 'select 1' }))).code).toBe('INVALID_ARGUMENT');
    expect((await thrown(catalog.ingest({ source: weatherCsv, to: 'data/x.csv', name: 'bad name' }))).code).toBe('INVALID_ARGUMENT');
  });
});

describe('ingest over HTTP', () => {
  it('streams a URL to a file and records the URL and ETag', async () => {
    const result = await catalog.ingest({ source: `${baseUrl}/data/weather.csv`, to: 'remote/weather.parquet', name: 'weather-web' });
    expect(result.version).toMatchObject({
      ref: 'weather-web@1',
      source: { kind: 'http', uri: `${baseUrl}/data/weather.csv`, etag: '"w-1"' },
      schema: { rowCount: 1461 },
    });
    const columns = await (await openTable(result.path, { columns: ['weather'], limit: 2 })).columns();
    expect(columns.weather).toEqual(['drizzle', 'rain']);
  });

  it('takes the format from Content-Type when the URL has no extension', async () => {
    const result = await catalog.ingest({ source: `${baseUrl}/export?id=7`, to: 'remote/scores.csv' });
    expect(await readFile(result.path, 'utf8')).toBe('id,score\n1,0.5\n2,0.75\n');
  });

  it('reports a 404 and a connection dropped mid-body, leaving nothing behind', async () => {
    const missing = await thrown(catalog.ingest({ source: `${baseUrl}/nope.csv`, to: 'remote/nope.csv' }));
    expect(missing.code).toBe('NOT_FOUND');
    expect(missing.message).toContain('HTTP 404');
    const broken = await thrown(catalog.ingest({ source: `${baseUrl}/broken.csv`, to: 'remote/broken.csv' }));
    expect(broken.code).toBe('UNAVAILABLE');
    expect(
      await strays(path.join(temp.path, 'remote'), [
        'weather.parquet',
        'weather.parquet.dvc',
        'scores.csv',
        'scores.csv.dvc',
        '.gitignore',
      ]),
    ).toEqual([]);
    const unreachable = await thrown(catalog.ingest({ source: 'http://127.0.0.1:1/x.csv', to: 'remote/x.csv' }));
    expect(unreachable.code).toBe('UNAVAILABLE');
  });
});

describe('ingest from S3', () => {
  let bucket: string;
  let s3: TestS3Server;

  beforeAll(async () => {
    s3 = testS3Server();
    bucket = await createTestBucket('ingest');
    const client = new S3Client({
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
    await client.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'raw/penguins.json', Body: await readFile(path.join(vega, 'penguins.json')) }),
    );
    client.destroy();
  });

  it('downloads an object and converts it', async () => {
    const result = await catalog.ingest({ source: `s3://${bucket}/raw/penguins.json`, to: 'data/penguins.parquet', s3 });
    expect(result.version).toMatchObject({
      ref: 'penguins@1',
      source: { kind: 's3', uri: `s3://${bucket}/raw/penguins.json` },
      schema: { rowCount: 344 },
    });
    expect(result.version.source?.etag).toBeTruthy();
    expect(result.version.schema?.columns[0]).toEqual({ name: 'Species', type: 'VARCHAR' });
  });

  it('reports a missing object and a malformed S3 URL', async () => {
    expect((await thrown(catalog.ingest({ source: `s3://${bucket}/raw/none.csv`, to: 'data/none.csv', s3 }))).code).toBe('NOT_FOUND');
    expect((await thrown(catalog.ingest({ source: `s3://${bucket}`, to: 'data/none.csv', s3 }))).code).toBe('INVALID_ARGUMENT');
  });
});

describe('ingest from PostgreSQL', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase('mlp_ingest');
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await client.query(`create table trips (
      id bigint primary key, city text, fare numeric(10,2), paid boolean, started timestamptz, day date, note text)`);
    await client.query(`insert into trips
      select i, case when i % 7 = 0 then null else 'city-' || (i % 13) end, i * 1.25, i % 2 = 0,
             timestamptz '2026-01-01 00:00:00+00' + i * interval '1 minute', date '2026-01-01' + (i % 30),
             case i when 1 then 'comma, "quote"' when 2 then E'two\\nlines' when 3 then '' else null end
      from generate_series(1, 12345) as i`);
    await client.end();
  });

  afterAll(() => database.drop());

  it('streams a query through a cursor into Parquet with PostgreSQL types kept', async () => {
    let lastRows = 0;
    const result = await catalog.ingest({
      source: database.url,
      query: 'select * from trips order by id',
      to: 'data/trips.parquet',
      batchSize: 1000,
      onProgress: (progress) => {
        if (progress.phase === 'query') lastRows = progress.rows ?? 0;
      },
    });
    expect(lastRows).toBe(12_345);
    expect(result.version).toMatchObject({ ref: 'trips@1', schema: { rowCount: 12_345 } });
    expect(result.version.source).toMatchObject({ kind: 'postgres', query: 'select * from trips order by id' });
    expect(result.version.schema?.columns).toEqual([
      { name: 'id', type: 'BIGINT' },
      { name: 'city', type: 'VARCHAR' },
      { name: 'fare', type: 'DOUBLE' },
      { name: 'paid', type: 'BOOLEAN' },
      { name: 'started', type: 'TIMESTAMP WITH TIME ZONE' },
      { name: 'day', type: 'DATE' },
      { name: 'note', type: 'VARCHAR' },
    ]);
    const rows = [];
    for await (const row of await openTable(result.path, { limit: 7 })) rows.push(row);
    expect(rows[0]).toMatchObject({ id: 1, city: 'city-1', fare: 1.25, paid: false, note: 'comma, "quote"' });
    expect(rows[0]?.started).toEqual(new Date('2026-01-01T00:01:00.000Z'));
    expect(rows[1]?.note).toBe('two\nlines');
    expect(rows[2]?.note).toBe(''); // an empty string stays empty…
    expect(rows[3]?.note).toBeNull(); // …and NULL stays NULL
    expect(rows[6]?.city).toBeNull();
  });

  it('writes CSV too, and reports a bad query or server clearly, leaving nothing behind', async () => {
    const result = await catalog.ingest({
      source: database.url,
      query: 'select id, city from trips where id <= 3 order by id',
      to: 'data/few.csv',
    });
    expect(await readFile(result.path, 'utf8')).toBe('id,city\n1,city-1\n2,city-2\n3,city-3\n');
    const badQuery = await thrown(catalog.ingest({ source: database.url, query: 'select nope from trips', to: 'data/bad-query.csv' }));
    expect(badQuery.code).toBe('INVALID_ARGUMENT');
    expect(badQuery.message).toContain('column "nope" does not exist');
    await expect(stat(path.join(temp.path, 'data', 'bad-query.csv'))).rejects.toThrow();
    expect((await thrown(catalog.ingest({ source: database.url, to: 'data/x.csv' }))).message).toContain('needs a query');
    const down = await thrown(catalog.ingest({ source: 'postgres://nobody@127.0.0.1:1/none', query: 'select 1', to: 'data/x.csv' }));
    expect(down.code).toBe('UNAVAILABLE');
    expect((await readdir(path.join(temp.path, 'data'))).filter((name) => name.includes('.tmp'))).toEqual([]);
  });
});
