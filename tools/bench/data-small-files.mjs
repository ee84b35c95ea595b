#!/usr/bin/env node
// 10,000 small files through @mlp/data-version: `add`, `status` with nothing changed (a fresh repo
// object, so the state cache is loaded from disk as a new command would; and the whole `mlp data
// status` process), then push and pull against an S3-protocol server (s3rver, its own process) with
// bounded concurrency. The peers in the same run: `cp -r` of the same folder for add, and the same
// transfers one object at a time (--jobs 1, timed over the first 1,000 objects) for push and pull.
//
//   node tools/bench/data-small-files.mjs [--files=10000] [--jobs=16] [--sequential-sample=1000]
//
// Imports the built packages: run `npm run build` first (npm run bench does).
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDataRepo } from '@mlp/data-version';
import { S3_SERVER_CREDENTIALS, startS3Server } from '../scripts/s3-server.mjs';

function option(name, fallback) {
  const arg = process.argv.find((item) => item.startsWith(`--${name}=`));
  return Number(arg ? arg.slice(name.length + 3) : fallback);
}
const fileCount = option('files', 10_000);
const jobs = option('jobs', 16);
const sample = Math.min(option('sequential-sample', 1000), fileCount);
const withS3 = option('s3', 1) !== 0;
const round = (value, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
const mlpBin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../packages/cli/dist/bin.js');

async function time(action) {
  const started = performance.now();
  const value = await action();
  return { seconds: (performance.now() - started) / 1000, value };
}

/** `count` files of 100-1100 bytes in folders of 100, each with distinct content. */
async function writeFiles(folder, count, salt) {
  for (let start = 0; start < count; start += 100) {
    const dir = path.join(folder, `part-${String(start / 100).padStart(4, '0')}`);
    await mkdir(dir, { recursive: true });
    await Promise.all(
      Array.from({ length: Math.min(100, count - start) }, (_, offset) => {
        const index = start + offset;
        return writeFile(
          path.join(dir, `${index}.json`),
          `{"salt":"${salt}","id":${index},"pad":"${'x'.repeat(100 + ((index * 37) % 1000))}"}\n`,
        );
      }),
    );
  }
}

const work = await mkdtemp(path.join(tmpdir(), 'mlp-bench-data-small-'));
let server;
try {
  process.env.AWS_ACCESS_KEY_ID = S3_SERVER_CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = S3_SERVER_CREDENTIALS.secretAccessKey;
  const env = { ...process.env };

  const project = path.join(work, 'project');
  await writeFiles(path.join(project, 'dataset'), fileCount, 'main');
  const cpR = await time(async () => spawnSync('cp', ['-r', path.join(project, 'dataset'), path.join(work, 'copy-cp')]));
  await rm(path.join(work, 'copy-cp'), { recursive: true });

  const repo = await openDataRepo({ root: project });
  const add = await time(() => repo.add(['dataset']));
  if (add.value[0].nfiles !== fileCount) throw new Error(`add recorded ${add.value[0].nfiles} files`);

  // Status with nothing changed: a fresh repo object loads the state cache from disk, as a new command does.
  const statusRuns = [];
  for (let index = 0; index < 3; index++) {
    const fresh = await openDataRepo({ root: project });
    const run = await time(() => fresh.status());
    if (!run.value.clean) throw new Error('status found changes');
    statusRuns.push(run.seconds);
  }
  const cliStatus = await time(async () =>
    spawnSync(process.execPath, [mlpBin, '-C', project, 'data', 'status'], { env, encoding: 'utf8' }),
  );
  // The whole command, node start-up included; reported, not a target (the binary loads every installed package).
  const cliStatusOk = cliStatus.value.status === 0;

  const result = {
    benchmark: 'data-small-files',
    files: fileCount,
    node: process.version,
    add: { seconds: round(add.seconds), targetSeconds: 5, cpRSeconds: round(cpR.seconds), ratioToCpR: round(add.seconds / cpR.seconds) },
    statusUnchanged: {
      seconds: round(Math.min(...statusRuns), 3),
      runs: statusRuns.map((seconds) => round(seconds, 3)),
      targetSeconds: 0.5,
      cliProcessSeconds: cliStatusOk ? round(cliStatus.seconds, 3) : `failed: ${cliStatus.value.stderr.split('\n')[0]}`,
    },
  };
  result.withinTargets = result.add.seconds < 5 && result.statusUnchanged.seconds < 0.5;
  if (withS3) result.s3 = await s3Transfers();
  console.log(JSON.stringify(result, null, 2));
  if (!result.withinTargets) process.exitCode = 1;

  async function s3Transfers() {
    server = await startS3Server({ dir: path.join(work, 's3rver'), buckets: ['bench'] });
    await repo.remotes.add('s3', 's3://bench/parallel', { endpoint: server.endpoint, default: true });
    const push = await time(() => repo.push({ jobs }));
    if (push.value.transferred !== fileCount + 1 || push.value.failed.length)
      throw new Error(`push: ${JSON.stringify(push.value).slice(0, 300)}`);
    const again = await time(() => repo.push({ jobs }));
    await rm(path.join(project, '.mlp', 'cache'), { recursive: true });
    await rm(path.join(project, 'dataset'), { recursive: true });
    const pull = await time(() => repo.pull({ jobs }));
    if (pull.value.transferred !== fileCount + 1 || pull.value.checkout.failed.length)
      throw new Error(`pull: ${JSON.stringify(pull.value).slice(0, 300)}`);
    const sameBytes = (await readFile(path.join(project, 'dataset', 'part-0000', '7.json'), 'utf8')).includes('"id":7,');

    // The peer: the same transfers one object at a time, over a sample of distinct files.
    const sequential = path.join(work, 'sequential');
    await writeFiles(path.join(sequential, 'sample'), sample, 'sequential');
    const one = await openDataRepo({ root: sequential });
    await one.add(['sample']);
    await one.remotes.add('s3', 's3://bench/sequential', { endpoint: server.endpoint, default: true });
    const pushOne = await time(() => one.push({ jobs: 1 }));
    await rm(path.join(sequential, '.mlp', 'cache'), { recursive: true });
    const fetchOne = await time(() => one.fetch({ jobs: 1 }));
    if (fetchOne.value.transferred !== sample + 1) throw new Error('sequential fetch incomplete');

    const rate = (count, seconds) => round(count / seconds, 0);
    const pushRate = rate(fileCount + 1, push.seconds);
    const pullRate = rate(fileCount + 1, pull.seconds);
    const pushOneRate = rate(sample + 1, pushOne.seconds);
    const pullOneRate = rate(sample + 1, fetchOne.seconds);
    return {
      server: 's3rver (separate process)',
      jobs,
      push: {
        seconds: round(push.seconds),
        filesPerSecond: pushRate,
        sequentialFilesPerSecond: pushOneRate,
        speedUp: round(pushRate / pushOneRate, 1),
      },
      pushNothingNew: { seconds: round(again.seconds) },
      pull: {
        seconds: round(pull.seconds),
        filesPerSecond: pullRate,
        sequentialFilesPerSecond: pullOneRate,
        speedUp: round(pullRate / pullOneRate, 1),
      },
      sequentialSample: sample,
      bytesIdentical: sameBytes,
    };
  }
} finally {
  await server?.stop();
  await rm(work, { recursive: true, force: true });
}
