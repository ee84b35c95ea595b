import { readdir, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createTempDir } from '@mlp/core/testing';
import { describe, expect, it } from 'vitest';
import { createStaging, sweepStaleStaging } from './staged-file.js';

describe('staging beside the destination', () => {
  it('removes its own files on cleanup, and sweeps only old leftovers of the same destination', async () => {
    const dir = await createTempDir('mlp-staging-');
    try {
      const destination = path.join(dir.path, 'flights.parquet');
      const staging = createStaging(destination);
      const download = staging.file('download', '.csv');
      await writeFile(download, 'a\n1\n');
      expect(path.basename(download)).toMatch(/^\.flights\.parquet\.[0-9a-f]{8}\.download\.tmp\.csv$/);
      await staging.cleanup();
      expect(await readdir(dir.path)).toEqual([]);

      const killed = createStaging(destination).file('out', '.parquet'); // as if the process died here
      const recent = createStaging(destination).file('out', '.parquet');
      const other = createStaging(path.join(dir.path, 'weather.csv')).file('out', '.csv');
      for (const file of [killed, recent, other]) await writeFile(file, 'x');
      const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
      await utimes(killed, twoHoursAgo, twoHoursAgo);
      await utimes(other, twoHoursAgo, twoHoursAgo);
      await writeFile(destination, 'the real file');

      expect(await sweepStaleStaging(destination)).toEqual([killed]);
      expect((await readdir(dir.path)).sort()).toEqual([path.basename(other), path.basename(recent), 'flights.parquet'].sort());
    } finally {
      await dir.remove();
    }
  });
});
