#!/usr/bin/env node
// Hashing and moving one large file through @mlp/data-version (1 GiB by default, never held in
// memory). The peer in the same run: coreutils `md5sum` on the same file; rounds alternate and the
// best of each is compared, since the machine is shared. Then `add` (hash + copy into the cache),
// `checkout` (copy out, verifying the md5 as it streams), push to and fetch from a folder remote,
// each with the peak resident-memory growth of this process, which must stay flat.
//
//   node tools/bench/data-hash.mjs [--size=1GiB] [--rounds=5]
//
// Imports the built package: run `npm run build -w @mlp/data-version` first (npm run bench does).
import { spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { hashFile } from '@mlp/core';
import { openDataRepo } from '@mlp/data-version';

const MiB = 1024 * 1024;
const MEMORY_BUDGET_MB = 100;

function option(name, fallback) {
  const arg = process.argv.find((item) => item.startsWith(`--${name}=`));
  return arg ? arg.slice(name.length + 3) : fallback;
}
function parseSize(text) {
  const match = /^(\d+(?:\.\d+)?)\s*(B|KiB|MiB|GiB)?$/i.exec(text);
  if (!match) throw new Error(`--size ${text}: write 1GiB, 256MiB or a byte count.`);
  return Math.round(Number(match[1]) * { b: 1, kib: 1024, mib: MiB, gib: 1024 * MiB }[(match[2] ?? 'b').toLowerCase()]);
}
const size = parseSize(option('size', '1GiB'));
const rounds = Number(option('rounds', '5'));
const round = (value, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Pseudo-random 1 MiB blocks (xorshift), each different, so nothing compresses or dedupes. */
async function* generate(total) {
  let state = 0x9e3779b9;
  for (let sent = 0; sent < total; ) {
    const length = Math.min(MiB, total - sent);
    const chunk = Buffer.allocUnsafe(length);
    for (let offset = 0; offset + 4 <= length; offset += 4) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      chunk.writeInt32LE(state | 0, offset);
    }
    sent += length;
    yield chunk;
  }
}

async function measure(label, action) {
  const baseline = process.memoryUsage.rss();
  let peak = baseline;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 20);
  const started = performance.now();
  let value;
  try {
    value = await action();
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
    value,
  };
}

function md5sum(file) {
  const started = performance.now();
  const result = spawnSync('md5sum', [file], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`md5sum failed: ${result.stderr}`);
  return { seconds: (performance.now() - started) / 1000, digest: result.stdout.split(' ')[0] };
}

const work = await mkdtemp(path.join(tmpdir(), 'mlp-bench-data-hash-'));
try {
  const project = path.join(work, 'project');
  await mkdir(project);
  const file = path.join(project, 'big.bin');
  await pipeline(generate(size), createWriteStream(file));
  await hashFile('md5', file, { size }); // warm the page cache and the code, as md5sum's first run would

  const ours = [];
  const peer = [];
  let digest;
  for (let index = 0; index < rounds; index++) {
    const mine = await measure('hashFile', () => hashFile('md5', file, { size }));
    const theirs = md5sum(file);
    if (mine.value !== theirs.digest) throw new Error(`md5 mismatch: ${mine.value} vs md5sum ${theirs.digest}`);
    digest = mine.value;
    ours.push(mine);
    peer.push(theirs.seconds);
  }
  const bestOurs = Math.min(...ours.map((item) => item.seconds));
  const bestPeer = Math.min(...peer);

  const repo = await openDataRepo({ root: project });
  const add = await measure('add (hash + copy into the cache)', () => repo.add(['big.bin']));
  if (add.value[0].md5 !== digest) throw new Error('add recorded another md5');
  await rm(file);
  const checkout = await measure('checkout (copy out, md5 verified while streaming)', () => repo.checkout());
  if ((await stat(file)).size !== size) throw new Error('checkout wrote the wrong size');
  await repo.remotes.add('folder', path.join(work, 'remote'), { default: true });
  const push = await measure('push to a folder remote', () => repo.push());
  await rm(path.join(project, '.mlp', 'cache'), { recursive: true });
  const fetch = await measure('fetch from a folder remote (md5 verified while copying)', () => repo.fetch());
  if (fetch.value.transferred !== 1) throw new Error('fetch did not transfer the object');

  const steps = [add, checkout, push, fetch].map(({ value, ...rest }) => rest);
  const hashingPeak = Math.max(...ours.map((item) => item.peakRssGrowthMB));
  const result = {
    benchmark: 'data-hash',
    sizeMiB: round(size / MiB, 1),
    node: process.version,
    hashing: {
      mlpMBPerSecond: round(size / MiB / bestOurs, 1),
      md5sumMBPerSecond: round(size / MiB / bestPeer, 1),
      ratioToMd5sum: round(bestPeer / bestOurs, 2),
      target: 0.9,
      rounds,
      peakRssGrowthMB: hashingPeak,
    },
    steps,
    memoryBudgetMB: MEMORY_BUDGET_MB,
    withinMemoryBudget: [hashingPeak, ...steps.map((step) => step.peakRssGrowthMB)].every((mb) => mb < MEMORY_BUDGET_MB),
  };
  console.log(JSON.stringify(result, null, 2));
  if (!result.withinMemoryBudget || result.hashing.ratioToMd5sum < result.hashing.target) process.exitCode = 1;
} finally {
  await rm(work, { recursive: true, force: true });
}
