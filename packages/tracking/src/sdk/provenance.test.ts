import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createTempDir, type TempDir } from '@mlp/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { captureProvenance, installedVersions, provenanceTags } from './provenance.js';
import { createTestTracking } from './test-support/test-tracking.js';

const temps: TempDir[] = [];
async function tempDir(): Promise<string> {
  const dir = await createTempDir('mlp-provenance-');
  temps.push(dir);
  return dir.path;
}

afterEach(async () => {
  for (const dir of temps.splice(0)) await dir.remove();
});

function git(dir: string, ...args: string[]): string {
  const identity = [
    '-c',
    'user.name=Test',
    '-c',
    'user.email=test@example.com',
    '-c',
    'init.defaultBranch=main',
    '-c',
    'commit.gpgsign=false',
  ];
  return execFileSync('git', [...identity, ...args], { cwd: dir, encoding: 'utf8' }).trim();
}

async function writePackage(dir: string, name: string, version: string): Promise<void> {
  await mkdir(path.join(dir, 'node_modules', name), { recursive: true });
  await writeFile(path.join(dir, 'node_modules', name, 'package.json'), JSON.stringify({ name, version }));
}

describe('provenance', () => {
  it('records the git commit, branch and dirty flag of the folder, in mlp and MLflow names', async () => {
    const dir = await tempDir();
    git(dir, 'init', '--quiet');
    await writeFile(path.join(dir, 'train.ts'), 'one');
    git(dir, 'add', '.');
    git(dir, 'commit', '--quiet', '-m', 'first');
    git(dir, 'checkout', '--quiet', '-b', 'experiment/lr');
    const commit = git(dir, 'rev-parse', 'HEAD');

    const clean = await captureProvenance({ dir, entry: path.join(dir, 'train.ts') });
    expect(clean).toMatchObject({
      [provenanceTags.gitCommit]: commit,
      [provenanceTags.mlflowGitCommit]: commit,
      [provenanceTags.gitBranch]: 'experiment/lr',
      [provenanceTags.gitDirty]: 'false',
      [provenanceTags.sourceName]: path.join(dir, 'train.ts'),
      [provenanceTags.mlflowSourceName]: path.join(dir, 'train.ts'),
      [provenanceTags.mlflowSourceType]: 'LOCAL',
    });

    await writeFile(path.join(dir, 'train.ts'), 'two');
    expect((await captureProvenance({ dir }))[provenanceTags.gitDirty]).toBe('true');

    git(dir, 'checkout', '--quiet', '--detach');
    expect(await captureProvenance({ dir })).not.toHaveProperty(provenanceTags.gitBranch);
  });

  it('records no git tags outside a repository, and the environment always', async () => {
    const dir = await tempDir();
    const tags = await captureProvenance({ dir, entry: undefined });
    expect(Object.keys(tags).filter((key) => key.includes('.git.'))).toEqual([]);
    expect(tags).not.toHaveProperty(provenanceTags.sourceName);
    expect(tags[provenanceTags.node]).toBe(process.version);
    expect(tags[provenanceTags.os]).toContain(process.platform);
    expect(tags[provenanceTags.host]).toEqual(expect.any(String));
  });

  it('reads versions of @mlp packages and ML libraries from the nearest node_modules, without importing them', async () => {
    const root = await tempDir();
    const project = path.join(root, 'project');
    await writePackage(root, '@mlp/core', '0.1.0');
    await writePackage(root, 'onnxruntime-node', '1.20.0');
    await writePackage(project, '@mlp/core', '0.2.0');
    await writePackage(project, '@mlp/tracking', '0.2.0');
    await writePackage(project, '@tensorflow/tfjs', '4.22.0');
    await writePackage(project, 'left-pad', '1.3.0');
    expect(await installedVersions(path.join(project, 'src'))).toEqual({
      '@mlp/core': '0.2.0',
      '@mlp/tracking': '0.2.0',
      '@tensorflow/tfjs': '4.22.0',
      'onnxruntime-node': '1.20.0',
    });
  });

  it('is written on every run unasked, with the tags the caller gives taking precedence', async () => {
    const { tracking } = createTestTracking({ captureProvenance: true });
    const run = await tracking.startRun({ name: 'r', tags: { [provenanceTags.host]: 'override' } });
    const { tags } = await tracking.getRun(run.runId);
    await run.end();
    expect(tags[provenanceTags.node]).toBe(process.version);
    expect(tags[provenanceTags.host]).toBe('override');
    expect(tags[provenanceTags.mlflowSourceName]).toBe(process.argv[1]);
    expect(tags['mlflow.runName']).toBe('r');
    expect(JSON.parse(tags[provenanceTags.packages] ?? '')).toHaveProperty('@mlp/core');
  });

  it('is not written with captureProvenance: false', async () => {
    const { tracking } = createTestTracking({ captureProvenance: false });
    const run = await tracking.startRun();
    const { tags } = await tracking.getRun(run.runId);
    await run.end();
    expect(Object.keys(tags).filter((key) => key.startsWith('mlp.'))).toEqual([]);
  });
});
