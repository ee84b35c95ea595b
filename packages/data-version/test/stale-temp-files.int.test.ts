import type { ChildProcess } from 'node:child_process';
import { type FSWatcher, watch } from 'node:fs';
import { mkdir, readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createTempDir, type TempDir } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDataRepo } from '../src/dvc/data-repo.js';
import { tempFileName } from '../src/dvc/temp-files.js';
import { assertBuilt, parseJson, runMlp, startMlp } from './run-mlp.js';
import { workTimeout } from './work-timeout.js';

// A real `mlp data push` (and `add`) killed with SIGKILL while it writes a temp file: the file is left
// behind, and the next push (or gc) removes it, while temp files of live writers stay.
const MIB = 1024 * 1024;
const OBJECT_SIZE = 48 * MIB;
const OBJECTS = 3;

let temp: TempDir;
beforeAll(async () => {
  assertBuilt();
  temp = await createTempDir('mlp-stale-temps-');
});
afterAll(async () => {
  await temp?.remove();
});

/** Large files of distinct content, so each is its own object. */
async function writeLargeFiles(folder: string): Promise<void> {
  await mkdir(folder, { recursive: true });
  for (let index = 0; index < OBJECTS; index++)
    await writeFile(path.join(folder, `part-${index}.bin`), Buffer.alloc(OBJECT_SIZE, index + 1));
}

/** Resolves once every thread of `pid` is stopped (after SIGSTOP), so what it wrote can no longer change. */
async function waitStopped(pid: number): Promise<void> {
  for (;;) {
    const tasks = await readdir(`/proc/${pid}/task`);
    const states = await Promise.all(
      tasks.map(async (task) => (await readFile(`/proc/${pid}/task/${task}/stat`, 'utf8')).replace(/^.*\) /s, '')[0]),
    );
    if (states.every((state) => state === 'T' || state === 't')) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/**
 * SIGKILLs `child` at a moment it is known to be mid-write: on each change in `dir` the child is
 * stopped, and killed only if a temp file of its own is there, partly written; otherwise it resumes.
 */
async function killMidWrite(child: ChildProcess, dir: string, exited: Promise<unknown>): Promise<{ name: string; size: number }> {
  const pid = child.pid as number;
  let changed = false;
  let wake = () => {};
  const watcher: FSWatcher = watch(dir, () => {
    changed = true;
    wake();
  });
  const finished = exited.then(() => {
    throw new Error('the command finished before it was caught writing a temp file');
  });
  finished.catch(() => {}); // rejects after a successful kill too; only the race below observes it
  try {
    let look = false;
    for (;;) {
      if (!look && !changed) await Promise.race([new Promise<void>((resolve) => (wake = resolve)), finished]);
      changed = false;
      child.kill('SIGSTOP');
      await waitStopped(pid);
      const own = [];
      for (const name of await readdir(dir))
        if (name.includes(`-${pid}-`)) own.push({ name, size: (await stat(path.join(dir, name)).catch(() => ({ size: 0 }))).size });
      const partial = own.find((file) => file.size > 0 && file.size < OBJECT_SIZE);
      if (partial) {
        child.kill('SIGKILL');
        return partial;
      }
      look = own.length > 0; // a temp file just begun, or complete and about to be renamed: look again
      child.kill('SIGCONT');
    }
  } finally {
    watcher.close();
  }
}

const killedBy = (child: ChildProcess) =>
  new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));

describe('temp files of killed writers', () => {
  it(
    'a push killed mid-upload leaves a partial temp file in the folder remote; the next push removes it, not live writers’ files',
    async () => {
      const project = path.join(temp.path, 'push');
      await writeLargeFiles(path.join(project, 'parts'));
      const repo = await openDataRepo({ root: project });
      await repo.add(['parts']);
      const remote = path.join(temp.path, 'remote');
      await repo.remotes.add('r', remote, { default: true });
      const remoteTemp = path.join(remote, '.mlp-tmp');
      await mkdir(remoteTemp, { recursive: true });

      const child = startMlp(['-C', project, 'data', 'push', '--jobs', '1'], { cwd: project });
      const exited = killedBy(child);
      const partial = await killMidWrite(child, remoteTemp, exited);
      expect(await exited).toBe('SIGKILL');
      expect((await stat(path.join(remoteTemp, partial.name))).size).toBe(partial.size);

      // Temp files that are not stale: this (live) process's, and another machine's, recently written.
      const live = tempFileName();
      const otherHost = `${'0'.repeat(16)}-4242-ffffffff.tmp`;
      const oldOtherHost = `${'1'.repeat(16)}-4242-ffffffff.tmp`;
      for (const name of [live, otherHost, oldOtherHost]) await writeFile(path.join(remoteTemp, name), 'in progress');
      const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
      await utimes(path.join(remoteTemp, oldOtherHost), twoHoursAgo, twoHoursAgo);

      const rerun = await runMlp(['--json', '-C', project, 'data', 'push'], { cwd: project });
      expect(rerun.code).toBe(0);
      expect(parseJson<{ failed: unknown[]; transferred: number; skipped: number }>(rerun)).toMatchObject({ failed: [] });
      expect((await readdir(remoteTemp)).sort()).toEqual([live, otherHost].sort());
    },
    workTimeout({ processes: 2, objects: 2 * (OBJECTS + 1), mebibytes: (4 * (OBJECTS * OBJECT_SIZE)) / MIB }),
  );

  it(
    'an add killed while copying into the cache leaves a partial temp file there; gc removes it',
    async () => {
      const project = path.join(temp.path, 'add');
      await mkdir(path.join(project, '.dvc'), { recursive: true });
      await writeLargeFiles(path.join(project, 'parts'));
      const cacheTemp = path.join(project, '.dvc', 'cache', '.mlp-tmp');
      await mkdir(cacheTemp, { recursive: true });

      const child = startMlp(['-C', project, 'data', 'add', 'parts'], { cwd: project });
      const exited = killedBy(child);
      const partial = await killMidWrite(child, cacheTemp, exited);
      expect(await exited).toBe('SIGKILL');
      const live = tempFileName();
      await writeFile(path.join(cacheTemp, live), 'in progress');
      // The folder's files are copied in parallel: the partial one may have company, all of the dead child.
      expect(await readdir(cacheTemp)).toEqual(expect.arrayContaining([live, partial.name]));

      const repo = await openDataRepo({ root: project });
      await repo.gc({ dryRun: false });
      expect(await readdir(cacheTemp)).toEqual([live]);
    },
    workTimeout({ processes: 1, mebibytes: (2 * (OBJECTS * OBJECT_SIZE)) / MIB }),
  );
});
