import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { currentActor } from '@mlp/core';
import { systemTags } from '../model.js';

/** The system tags the SDK writes on every run, unasked (turn off with `captureProvenance: false`). */
export const provenanceTags = {
  gitCommit: 'mlp.source.git.commit',
  gitBranch: 'mlp.source.git.branch',
  gitDirty: 'mlp.source.git.dirty',
  sourceName: 'mlp.source.name',
  node: 'mlp.env.node',
  os: 'mlp.env.os',
  host: 'mlp.env.host',
  packages: 'mlp.env.packages',
  // MLflow's own names, so its UI shows the source and the user.
  mlflowSourceName: 'mlflow.source.name',
  mlflowSourceType: 'mlflow.source.type',
  mlflowGitCommit: 'mlflow.source.git.commit',
  mlflowUser: systemTags.user,
} as const;

/** ML libraries whose versions matter to reproduce a run, besides every installed `@mlp/*` package. */
export const trackedLibraries = [
  '@tensorflow/tfjs',
  '@tensorflow/tfjs-node',
  '@tensorflow/tfjs-node-gpu',
  'onnxruntime-node',
  '@duckdb/node-api',
];

const gitTimeoutMs = 2000;

export interface ProvenanceOptions {
  /** Where to look for the git repository and node_modules; the entry script's folder by default. */
  dir?: string;
  /** The entry script; `process.argv[1]` by default. */
  entry?: string | undefined;
  /** Who starts the run (`mlflow.user`); `currentActor()` of `@mlp/core` by default. */
  user?: string;
}

function git(dir: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('git', args, { cwd: dir, timeout: gitTimeoutMs, windowsHide: true }, (error, stdout) => {
      resolve(error ? undefined : stdout.trim());
    });
  });
}

/** Commit, branch and dirty flag, or nothing when `dir` is not in a git work tree (or git is missing or slow). */
async function gitTags(dir: string): Promise<Record<string, string>> {
  const [commit, branch, status] = await Promise.all([
    git(dir, ['rev-parse', 'HEAD']),
    git(dir, ['rev-parse', '--abbrev-ref', 'HEAD']),
    git(dir, ['status', '--porcelain', '--untracked-files=no']),
  ]);
  if (!commit || !/^[0-9a-f]{40,64}$/.test(commit)) return {};
  const tags: Record<string, string> = {
    [provenanceTags.gitCommit]: commit,
    [provenanceTags.mlflowGitCommit]: commit,
  };
  // A detached HEAD has no branch; git says "HEAD".
  if (branch && branch !== 'HEAD') tags[provenanceTags.gitBranch] = branch;
  if (status !== undefined) tags[provenanceTags.gitDirty] = String(status !== '');
  return tags;
}

async function versionAt(packageDir: string): Promise<string | undefined> {
  try {
    const manifest = JSON.parse(await readFile(path.join(packageDir, 'package.json'), 'utf8')) as { version?: unknown };
    return typeof manifest.version === 'string' ? manifest.version : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Versions of `@mlp/*` and the tracked ML libraries as Node would resolve them from `dir`: the
 * nearest `node_modules` up the tree wins. Manifests are read, never the packages imported.
 */
export async function installedVersions(dir: string): Promise<Record<string, string>> {
  const versions: Record<string, string> = {};
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    const modules = path.join(current, 'node_modules');
    const scoped = await readdir(path.join(modules, '@mlp')).catch(() => [] as string[]);
    const names = [...scoped.map((name) => `@mlp/${name}`), ...trackedLibraries];
    for (const name of names) {
      if (versions[name] !== undefined) continue;
      const version = await versionAt(path.join(modules, name));
      if (version !== undefined) versions[name] = version;
    }
    if (path.dirname(current) === current) break;
  }
  return Object.fromEntries(Object.entries(versions).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** The system tags of a run started now in this process. */
export async function captureProvenance(options: ProvenanceOptions = {}): Promise<Record<string, string>> {
  const entry = 'entry' in options ? options.entry : process.argv[1];
  const dir = options.dir ?? (entry ? path.dirname(path.resolve(entry)) : process.cwd());
  const [git, packages] = await Promise.all([gitTags(dir), installedVersions(dir)]);
  const tags: Record<string, string> = {
    ...git,
    [provenanceTags.node]: process.version,
    [provenanceTags.os]: `${os.platform()} ${os.release()} ${os.arch()}`,
    [provenanceTags.host]: os.hostname(),
    [provenanceTags.packages]: JSON.stringify(packages),
  };
  if (entry) {
    tags[provenanceTags.sourceName] = entry;
    tags[provenanceTags.mlflowSourceName] = entry;
    tags[provenanceTags.mlflowSourceType] = 'LOCAL';
  }
  tags[provenanceTags.mlflowUser] = options.user ?? currentActor();
  return tags;
}
