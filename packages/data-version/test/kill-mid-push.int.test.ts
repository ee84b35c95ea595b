import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { md5Hex } from '@mlp/core';
import { createTempDir, createTestBucket, type TempDir, testS3Server } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDataRepo } from '../src/dvc/data-repo.js';
import { writeTree } from '../src/dvc/test-project.js';
import { assertBuilt, parseJson, runMlp, startMlp } from './run-mlp.js';
import { s3Client } from './s3-helpers.js';
import { workTimeout } from './work-timeout.js';

let temp: TempDir;
beforeAll(async () => {
  assertBuilt();
  temp = await createTempDir('mlp-data-kill-');
});
afterAll(async () => {
  await temp?.remove();
});

// Enough objects that a push is still running when 50 have arrived, on any machine.
const FILES = 1500;
const env = { AWS_ACCESS_KEY_ID: testS3Server().accessKeyId, AWS_SECRET_ACCESS_KEY: testS3Server().secretAccessKey };

interface Target {
  name: string;
  url(): Promise<string>;
  endpoint?: () => string;
  /** How many objects the remote holds now. */
  count(url: string): Promise<number>;
}

const targets: Target[] = [
  {
    name: 'a folder remote',
    url: async () => path.join(temp.path, `remote-${Math.random().toString(36).slice(2)}`),
    async count(url) {
      const base = path.join(url, 'files', 'md5');
      let total = 0;
      for (const prefix of await readdir(base).catch(() => [] as string[])) total += (await readdir(path.join(base, prefix))).length;
      return total;
    },
  },
  {
    name: 'an S3 remote',
    url: async () => `s3://${await createTestBucket('mlp-kill')}/dvc`,
    endpoint: () => testS3Server().endpoint,
    async count(url) {
      const bucket = url.slice('s3://'.length).split('/')[0];
      const client = s3Client();
      try {
        let total = 0;
        let token: string | undefined;
        do {
          const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'dvc/files/md5/', ContinuationToken: token }));
          total += page.KeyCount ?? 0;
          token = page.NextContinuationToken;
        } while (token);
        return total;
      } finally {
        client.destroy();
      }
    },
  },
];

describe.each(targets)('push to $name killed mid-transfer', (target) => {
  it(
    'leaves nothing corrupt, and a rerun completes',
    async () => {
      const project = path.join(temp.path, `project-${target.name.replace(/\W+/g, '-')}`);
      await mkdir(project);
      const files: Record<string, string> = {};
      for (let index = 0; index < FILES; index++) files[`shards/${String(index).padStart(5, '0')}.txt`] = `row ${index}\n`.repeat(20);
      await writeTree(project, files);
      const repo = await openDataRepo({ root: project });
      await repo.add(['shards']);
      const url = await target.url();
      await repo.remotes.add('r', url, { default: true, ...(target.endpoint ? { endpoint: target.endpoint() } : {}) });
      const total = FILES + 1;

      const child = startMlp(['-C', project, 'data', 'push', '--jobs', '4'], { cwd: project, env });
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
      let seen = 0;
      while (seen < 50) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        seen = await target.count(url);
        if (child.exitCode !== null) break;
      }
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
      const partial = await target.count(url);
      expect(partial).toBeGreaterThan(0);
      expect(partial).toBeLessThan(total);

      const rerun = await runMlp(['--json', '-C', project, 'data', 'push', '--jobs', '8'], { cwd: project, env });
      expect(rerun.code).toBe(0);
      const report = parseJson<{ transferred: number; skipped: number; failed: unknown[] }>(rerun);
      expect(report.failed).toEqual([]);
      expect(report.transferred + report.skipped).toBe(total);
      expect(report.skipped).toBeGreaterThanOrEqual(partial);
      expect(await target.count(url)).toBe(total);

      // A clone pulls everything back; pull verifies every object's md5 before it enters the cache.
      const clone = path.join(temp.path, `clone-${target.name.replace(/\W+/g, '-')}`);
      await mkdir(path.join(clone, '.mlp'), { recursive: true });
      await writeFile(path.join(clone, 'shards.dvc'), await readFile(path.join(project, 'shards.dvc')));
      await writeFile(path.join(clone, '.mlp', 'data-config.json'), await readFile(path.join(project, '.mlp', 'data-config.json')));
      const pulled = await runMlp(['--json', '-C', clone, 'data', 'pull'], { cwd: clone, env });
      expect(pulled.code).toBe(0);
      expect(parseJson<{ transferred: number; failed: unknown[] }>(pulled)).toMatchObject({ transferred: total, failed: [] });
      for (const name of ['shards/00000.txt', 'shards/00777.txt', `shards/${String(FILES - 1).padStart(5, '0')}.txt`])
        expect(await readFile(path.join(clone, name), 'utf8')).toBe(files[name]);
      const cloned = await openDataRepo({ root: clone });
      expect((await cloned.status()).clean).toBe(true);
    },
    workTimeout({ processes: 3, objects: 4 * (FILES + 1) }),
  );
});

describe('pull from a folder remote killed mid-transfer', () => {
  it(
    'leaves only verified objects in the cache, and a rerun completes',
    async () => {
      const project = path.join(temp.path, 'project-pull');
      await mkdir(project);
      const files: Record<string, string> = {};
      for (let index = 0; index < FILES; index++) files[`shards/${index}.txt`] = `shard ${index}\n`.repeat(30);
      await writeTree(project, files);
      const repo = await openDataRepo({ root: project });
      await repo.add(['shards']);
      await repo.remotes.add('r', path.join(temp.path, 'remote-pull'), { default: true });
      await repo.push();
      const cacheDir = path.join(project, '.mlp', 'cache');
      await rm(cacheDir, { recursive: true });
      await rm(path.join(project, 'shards'), { recursive: true });

      const child = startMlp(['-C', project, 'data', 'pull', '--jobs', '4'], { cwd: project, env });
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
      const cached = async () => {
        const ids: string[] = [];
        const base = path.join(cacheDir, 'files', 'md5');
        for (const prefix of await readdir(base).catch(() => [] as string[]))
          for (const name of await readdir(path.join(base, prefix))) ids.push(prefix + name);
        return ids;
      };
      while ((await cached()).length < 50 && child.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 10));
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
      const partial = await cached();
      expect(partial.length).toBeGreaterThan(0);
      expect(partial.length).toBeLessThan(FILES + 1);
      // Nothing corrupt: every object that made it into the cache hashes to its name.
      for (const id of partial) {
        const bytes = await readFile(path.join(cacheDir, 'files', 'md5', id.slice(0, 2), id.slice(2)));
        expect(md5Hex(bytes)).toBe(id.replace(/\.dir$/, ''));
      }

      const rerun = await runMlp(['--json', '-C', project, 'data', 'pull'], { cwd: project, env });
      expect(rerun.code).toBe(0);
      expect(parseJson<{ transferred: number; skipped: number; failed: unknown[] }>(rerun)).toMatchObject({ failed: [] });
      expect(await readFile(path.join(project, 'shards', '1234.txt'), 'utf8')).toBe(files['shards/1234.txt']);
      expect((await (await openDataRepo({ root: project })).status()).clean).toBe(true);
    },
    workTimeout({ processes: 2, objects: 4 * (FILES + 1) }),
  );
});
