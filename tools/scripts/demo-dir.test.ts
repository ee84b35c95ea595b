import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createTempDir, type TempDir } from '@mlp/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
// @ts-expect-error: the demo is plain JavaScript without declarations
import { prepareDemoDir } from '../../examples/demo/demo-dir.mjs';

// `npm run demo` keeps its workspace to explore (./mlp-demo), replaces it on the next run, and never
// deletes a folder it did not make.
let temp: TempDir;
beforeEach(async () => {
  temp = await createTempDir('mlp-demo-dir-');
});
afterEach(async () => {
  await temp.remove();
});

describe('the demo folder', () => {
  it('is created, kept, and replaced by the next run', () => {
    const dir = path.join(temp.path, 'mlp-demo');
    prepareDemoDir(dir);
    writeFileSync(path.join(dir, 'result.txt'), 'from the first run');
    expect(existsSync(path.join(dir, 'result.txt'))).toBe(true);
    prepareDemoDir(dir);
    expect(readdirSync(dir)).toEqual(['.mlp-demo']);
  });

  it('is removed on request (--clean)', () => {
    const dir = path.join(temp.path, 'mlp-demo');
    prepareDemoDir(dir).remove();
    expect(existsSync(dir)).toBe(false);
  });

  it('refuses a folder with files the demo did not make, and accepts an empty one', () => {
    const mine = path.join(temp.path, 'mine');
    mkdirSync(mine);
    writeFileSync(path.join(mine, 'thesis.tex'), 'precious');
    expect(() => prepareDemoDir(mine)).toThrow(/did not make/);
    expect(readdirSync(mine)).toEqual(['thesis.tex']);
    const empty = path.join(temp.path, 'empty');
    mkdirSync(empty);
    prepareDemoDir(empty);
    expect(readdirSync(empty)).toEqual(['.mlp-demo']);
  });
});
