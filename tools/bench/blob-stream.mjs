#!/usr/bin/env node
// Streams one large generated object (1 GiB by default, never held in memory) into and out of the fs
// and s3 blob drivers (s3 against s3rver in a separate process), and measures throughput and the peak
// resident-memory growth of this process. The limit in the same run: a plain
// fs.createReadStream -> fs.createWriteStream copy of a file of the same size.
//
//   node tools/bench/blob-stream.mjs [--size=1GiB] [--drivers=fs,s3]
//
// Imports the built package: run `npx tsup` in packages/core first (npm run bench does).
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createFsBlobStore } from '@mlp/core';
import { createS3BlobStore } from '@mlp/core/s3';
import { S3_SERVER_CREDENTIALS, startS3Server } from '../scripts/s3-server.mjs';

const MiB = 1024 * 1024;
const CHUNK = MiB;
const MEMORY_BUDGET_MB = 100;

function option(name, fallback) {
  const index = process.argv.findIndex((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`));
  if (index === -1) return fallback;
  const arg = process.argv[index];
  return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : process.argv[index + 1];
}

function parseSize(text) {
  const match = /^(\d+(?:\.\d+)?)\s*(B|KiB|MiB|GiB|K|M|G)?$/i.exec(String(text).trim());
  if (!match) throw new Error(`--size ${text}: write a size such as 1GiB, 256MiB or 1048576.`);
  const unit = (match[2] ?? 'B').toLowerCase();
  const scale = { b: 1, k: 1024, kib: 1024, m: MiB, mib: MiB, g: 1024 * MiB, gib: 1024 * MiB }[unit];
  return Math.round(Number(match[1]) * scale);
}

const size = parseSize(option('size', '1GiB'));
const drivers = String(option('drivers', 'fs,s3')).split(',');

/** Fresh 1 MiB chunks of a pattern, each starting with its index, so order and completeness can be checked cheaply. */
async function* generate(total) {
  const template = Buffer.alloc(CHUNK);
  for (let i = 0; i < CHUNK; i++) template[i] = (i * 131) & 0xff;
  for (let index = 0, sent = 0; sent < total; index++) {
    const length = Math.min(CHUNK, total - sent);
    const chunk = Buffer.allocUnsafe(length);
    template.copy(chunk, 0, 0, length);
    if (length >= 4) chunk.writeUInt32LE(index, 0);
    sent += length;
    yield chunk;
  }
}

/** A sink that checks the index at every 1 MiB boundary and counts bytes, without keeping anything. */
function verifyingSink() {
  let position = 0;
  const header = Buffer.alloc(4);
  const sink = new Writable({
    highWaterMark: CHUNK,
    write(chunk, _encoding, callback) {
      const end = position + chunk.length;
      // Each boundary's 4-byte header may straddle two chunks: gather it, check it when complete.
      for (let boundary = Math.floor(position / CHUNK) * CHUNK; boundary < end && boundary + 4 <= size; boundary += CHUNK) {
        const from = Math.max(boundary, position);
        const to = Math.min(boundary + 4, end);
        if (from >= to) continue;
        chunk.copy(header, from - boundary, from - position, to - position);
        if (to === boundary + 4 && header.readUInt32LE(0) !== boundary / CHUNK) {
          return callback(
            new Error(`Corrupt read: the chunk at ${boundary} starts with index ${header.readUInt32LE(0)}, not ${boundary / CHUNK}`),
          );
        }
      }
      position = end;
      callback();
    },
  });
  sink.bytes = () => position;
  return sink;
}

/** Runs `action`, sampling this process's RSS every 50 ms; growth is against the RSS just before. */
async function measure(label, action) {
  const baseline = process.memoryUsage.rss();
  let peak = baseline;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 50);
  const started = performance.now();
  try {
    await action();
  } finally {
    clearInterval(timer);
  }
  const seconds = (performance.now() - started) / 1000;
  peak = Math.max(peak, process.memoryUsage.rss());
  return {
    label,
    seconds: round(seconds, 3),
    mbPerSecond: round(size / MiB / seconds, 1),
    peakRssGrowthMB: round((peak - baseline) / MiB, 1),
  };
}

const round = (value, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

async function roundTrip(store) {
  // A warm-up past one S3 part, so loading the driver's code is not counted as streaming memory.
  await store.put('bench/warm-up.bin', generate(9 * MiB));
  await pipeline(await store.get('bench/warm-up.bin'), new Writable({ write: (_chunk, _encoding, callback) => callback() }));
  await store.delete('bench/warm-up.bin');
  const put = await measure('put', async () => {
    const info = await store.put('bench/object.bin', generate(size));
    if (info.size !== size) throw new Error(`put stored ${info.size} bytes, expected ${size}`);
  });
  const get = await measure('get', async () => {
    const sink = verifyingSink();
    await pipeline(await store.get('bench/object.bin'), sink);
    if (sink.bytes() !== size) throw new Error(`get returned ${sink.bytes()} bytes, expected ${size}`);
  });
  await store.delete('bench/object.bin');
  const seconds = put.seconds + get.seconds;
  return {
    put,
    get,
    roundTripMBPerSecond: round(size / MiB / seconds, 1),
    peakRssGrowthMB: Math.max(put.peakRssGrowthMB, get.peakRssGrowthMB),
  };
}

const work = await mkdtemp(path.join(tmpdir(), 'mlp-bench-blobs-'));
const result = { benchmark: 'blob-stream', sizeBytes: size, sizeMiB: round(size / MiB, 1), node: process.version, drivers: {} };
let server;
try {
  // The limit: the same bytes copied file to file by Node's own streams (read N, write N, as a put then get does).
  const source = path.join(work, 'source.bin');
  await pipeline(generate(size), createWriteStream(source));
  if ((await stat(source)).size !== size) throw new Error('the source file has the wrong size');
  const copy = await measure('plain fs copy', () => pipeline(createReadStream(source), createWriteStream(path.join(work, 'copy.bin'))));
  await rm(path.join(work, 'copy.bin'));
  await rm(source);
  result.plainCopy = copy;

  if (drivers.includes('fs')) {
    const fs = await roundTrip(createFsBlobStore({ root: path.join(work, 'fs-store') }));
    result.drivers.fs = { ...fs, ratioToPlainCopy: round(fs.roundTripMBPerSecond / copy.mbPerSecond, 2) };
  }
  if (drivers.includes('s3')) {
    server = await startS3Server({ dir: path.join(work, 's3rver'), buckets: ['bench'] });
    const store = createS3BlobStore({
      bucket: 'bench',
      endpoint: server.endpoint,
      region: S3_SERVER_CREDENTIALS.region,
      credentials: S3_SERVER_CREDENTIALS,
    });
    const s3 = await roundTrip(store);
    await store.close();
    result.drivers.s3 = {
      ...s3,
      server: 's3rver (separate process)',
      ratioToPlainCopy: round(s3.roundTripMBPerSecond / copy.mbPerSecond, 2),
    };
  }
  const growth = Object.values(result.drivers).map((driver) => driver.peakRssGrowthMB);
  result.memoryBudgetMB = MEMORY_BUDGET_MB;
  result.withinMemoryBudget = growth.every((mb) => mb < MEMORY_BUDGET_MB);
  console.log(JSON.stringify(result, null, 2));
  if (!result.withinMemoryBudget) process.exitCode = 1;
} finally {
  await server?.stop();
  await rm(work, { recursive: true, force: true });
}
