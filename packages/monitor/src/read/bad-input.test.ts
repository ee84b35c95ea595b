import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MlpError } from '@mlp/core';
import { createTempDir, type TempDir } from '@mlp/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { categoricalColumnOf, numericColumnOf } from '../drift/column-data.js';
import { detectDrift } from '../drift/detect-drift.js';
import { DatasetProfile, profileColumnData } from '../profile/dataset-profile.js';
import { detectProfileDrift } from '../profile/profile-drift.js';
import { detectFileDrift } from './file-drift.js';

// Bad input across the drift entry points (files, column data, profiles): a clear result per column,
// an MlpError only where nothing can be computed.

let dir: TempDir;
beforeAll(async () => {
  dir = await createTempDir('mlp-monitor-bad-input-');
});
afterAll(async () => {
  await dir?.remove();
});

describe('bad input gets a per-column result', () => {
  it('files: an all-null column and a column of only NaN are reported, the rest tested', async () => {
    const reference = path.join(dir.path, 'reference.csv');
    const current = path.join(dir.path, 'current.csv');
    await writeFile(reference, 'x,empty,nan\n1,,nan\n2,,nan\n3,,nan\n');
    await writeFile(current, 'x,empty,nan\n1,,1\n5,,2\n3,,nan\n');
    const { result } = await detectFileDrift(reference, current);
    expect(
      result.columns.map(({ column, test, problem, reference: ref, current: cur }) => [column, test, problem ?? null, ref, cur]),
    ).toEqual([
      ['x', 'chisquare', null, { count: 3, nulls: 0 }, { count: 3, nulls: 0 }],
      ['empty', null, 'only nulls in the reference', { count: 0, nulls: 3 }, { count: 0, nulls: 3 }],
      ['nan', null, 'only nulls in the reference', { count: 0, nulls: 3 }, { count: 2, nulls: 1 }],
    ]);
  });

  it('a one-value reference is tested (KS p = 1 as scipy gives), not refused or crashed', () => {
    const result = detectDrift({ x: numericColumnOf([5]) }, { x: numericColumnOf([1, 2, 3, 4, 5, 6, 7]) });
    expect(result.columns[0]).toMatchObject({ test: 'ks', score: 1, drifted: false });
  });

  it('profiles: a window of another kind per column, and an empty window as an MlpError saying why', () => {
    const reference = profileColumnData({ x: numericColumnOf([1, 2, 3]), c: categoricalColumnOf(['a', 'b', 'a']) });
    const mixed = new DatasetProfile();
    mixed.addRow({ x: 'text', c: 'a' });
    const result = detectProfileDrift(reference, mixed);
    expect(result.columns.map(({ column, problem }) => [column, problem ?? null])).toEqual([
      ['x', 'numeric in the reference but categorical in the current data'],
      ['c', null],
    ]);
    let error: unknown;
    try {
      detectProfileDrift(reference, DatasetProfile.windowOf(reference));
    } catch (caught) {
      error = caught;
    }
    expect(MlpError.isInstance(error) && error.code).toBe('INVALID_ARGUMENT');
    expect((error as Error).message).toContain('x: the current data is empty; c: the current data is empty');
  });
});
