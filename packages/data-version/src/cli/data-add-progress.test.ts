import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli, withoutMlpVariables } from '@mlp/cli';
import { createTempDir, type TempDir } from '@mlp/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDataRepo } from '../dvc/data-repo.js';
import type { TransferProgress } from '../dvc/progress.js';
import { dataCommands } from './data-commands.js';

// A single large file must report its bytes while it is hashed and copied, not only once it is done
// (1.5 GiB went silent for seconds). 20 MiB is read in 8 MiB chunks: the first chunk is reported before
// the file is finished, whatever the machine's speed.

const size = 20 * 1024 * 1024;
let temp: TempDir;
let root: string;

beforeEach(async () => {
  temp = await createTempDir('mlp-data-progress-');
  root = path.join(temp.path, 'project');
  await mkdir(path.join(root, '.dvc'), { recursive: true });
  await writeFile(path.join(root, 'big.bin'), Buffer.alloc(size, 1));
});
afterEach(async () => {
  await temp.remove();
});

describe('progress of a large single file (add, push, pull)', () => {
  it('repo.add reports bytes of the file before it is done, with the total bytes', async () => {
    const events: TransferProgress[] = [];
    const repo = await openDataRepo({ root });
    await repo.add([path.join(root, 'big.bin')], { onProgress: (progress) => events.push({ ...progress }) });
    const partial = events.filter((event) => event.phase === 'hash' && event.done === 0 && event.bytes > 0 && event.bytes < size);
    expect(partial.length, JSON.stringify(events)).toBeGreaterThan(0);
    expect(partial[0]).toMatchObject({ total: 1, totalBytes: size, item: path.join(root, 'big.bin') });
    expect(events.at(-1)).toMatchObject({ phase: 'hash', done: 1, total: 1, bytes: size, totalBytes: size });
  });

  it('push and pull report the bytes of the file while it is uploaded, downloaded and checked out', async () => {
    const events: TransferProgress[] = [];
    const onProgress = (progress: TransferProgress) => void events.push({ ...progress });
    const partial = (phase: TransferProgress['phase']) =>
      events.filter((event) => event.phase === phase && event.done === 0 && event.bytes > 0 && event.bytes < size);
    const repo = await openDataRepo({ root });
    await repo.add([path.join(root, 'big.bin')]);
    await repo.remotes.add('shelf', path.join(temp.path, 'shelf'), { default: true });

    await repo.push({ onProgress });
    expect(partial('upload').length, JSON.stringify(events)).toBeGreaterThan(0);
    expect(partial('upload')[0]).toMatchObject({ total: 1, totalBytes: size });

    await rm(path.join(root, '.dvc', 'cache'), { recursive: true });
    await rm(path.join(root, 'big.bin'));
    events.length = 0;
    await repo.pull({ onProgress });
    expect(partial('download').length, JSON.stringify(events)).toBeGreaterThan(0);
    expect(partial('checkout').length, JSON.stringify(events)).toBeGreaterThan(0);
    expect(partial('checkout')[0]).toMatchObject({ total: 1, totalBytes: size, item: 'big.bin' });
  });

  it('mlp data add shows the bytes of the file on a terminal, and nothing on stderr in a pipe', async () => {
    const run = async (isTTY: boolean) => {
      let stderr = '';
      const code = await runCli(['-C', root, 'data', 'add', 'big.bin'], {
        modules: [dataCommands],
        io: {
          stdout: { write: () => true },
          stderr: Object.assign({ write: (chunk: string) => (stderr += chunk) }, { isTTY, columns: 120 }),
          env: withoutMlpVariables(process.env),
          cwd: root,
        },
      });
      return { code, stderr };
    };
    const terminal = await run(true);
    expect(terminal.code, terminal.stderr).toBe(0);
    expect(terminal.stderr).toContain('Hashing 0/1 file  8.0 MiB/20.0 MiB  40%');

    await writeFile(path.join(root, 'big.bin'), Buffer.alloc(size, 2)); // new content: hashed again
    const pipe = await run(false);
    expect(pipe.code, pipe.stderr).toBe(0);
    expect(pipe.stderr).toBe('');
  });
});
