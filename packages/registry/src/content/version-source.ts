import { constants, createReadStream } from 'node:fs';
import { open, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { MlpError } from '@mlp/core';
import type { Tracking } from '@mlp/tracking';

/** One file to register: its path inside the version and a way to read it. */
export interface SourceFile {
  path: string;
  open(): Promise<Readable>;
}

/** Where a version's bytes come from, resolved to its files (at least one). */
export interface ResolvedSource {
  /** As stored: `runs:/<run id>/<path>` or the absolute folder. */
  source: string;
  runId: string | null;
  files: SourceFile[];
}

/** The artifact path MLflow's `log_model` and mlp's trainers use when none is given. */
export const defaultModelPath = 'model';

/** Splits `runs:/<run id>/<path>`; the path defaults to `model`. */
export function parseRunsUri(uri: string): { runId: string; artifactPath: string } {
  const match = /^runs:\/([^/]+)(?:\/(.*))?$/.exec(uri);
  if (!match?.[1]) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `Invalid run source ${JSON.stringify(uri)}: use runs:/<run id>/<artifact path>, such as runs:/abc123/model.`,
    );
  }
  const artifactPath = (match[2] ?? '').replace(/^\/+|\/+$/g, '');
  return { runId: match[1], artifactPath: artifactPath === '' ? defaultModelPath : artifactPath };
}

/** Every file under a run's artifact path (a folder, or one file); FAILED_PRECONDITION when there is none. */
export async function runSource(tracking: Tracking, uri: string): Promise<ResolvedSource> {
  const { runId, artifactPath } = parseRunsUri(uri);
  await tracking.getRun(runId); // NOT_FOUND names the run
  const files: SourceFile[] = [];
  async function walk(dir: string): Promise<void> {
    for (const entry of await tracking.listArtifacts(runId, dir)) {
      if (entry.isDir) await walk(entry.path);
      else {
        const relative = entry.path.slice(artifactPath.length + 1);
        files.push({ path: relative, open: () => tracking.downloadArtifact(runId, entry.path) });
      }
    }
  }
  await walk(artifactPath);
  if (files.length === 0) {
    // A single-file model (`runs:/id/model.onnx`) is listed by its folder.
    const parent = artifactPath.includes('/') ? artifactPath.slice(0, artifactPath.lastIndexOf('/')) : '';
    const single = (await tracking.listArtifacts(runId, parent)).find((entry) => !entry.isDir && entry.path === artifactPath);
    if (single) files.push({ path: path.posix.basename(artifactPath), open: () => tracking.downloadArtifact(runId, artifactPath) });
  }
  if (files.length === 0) {
    throw new MlpError(
      'FAILED_PRECONDITION',
      `Run ${runId} has no model artifact at '${artifactPath}': log the model there first (or name its artifact path as runs:/${runId}/<path>).`,
      { details: { runId, artifactPath } },
    );
  }
  return { source: `runs:/${runId}/${artifactPath}`, runId, files };
}

export interface FolderSourceOptions {
  /** How errors name the folder (requests over the network must not learn server paths); the resolved path by default. */
  label?: string;
  /** A real (symlink-free) folder every file must stay inside when it is opened. */
  within?: string;
}

/** Whether `child` is `parent` or inside it; both absolute and normalised. */
export function isInside(parent: string, child: string): boolean {
  const relative = path.relative(parent, child);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** Opens a file without following a symlink in its last segment, and only if its real path stays inside `within`. */
async function openConfined(file: string, within: string, label: string): Promise<Readable> {
  if (!isInside(within, await realpath(file))) {
    throw new MlpError('PERMISSION_DENIED', `A file of ${label} leads outside the allowed folder: registration reads no links out of it.`);
  }
  const handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  return handle.createReadStream();
}

/**
 * Every file of a local model package folder, paths with '/'; FAILED_PRECONDITION when it is empty.
 * Symbolic links inside it are skipped: a link may point anywhere on the machine.
 */
export async function folderSource(folder: string, options: FolderSourceOptions = {}): Promise<ResolvedSource> {
  const root = path.resolve(folder);
  const label = options.label ?? root;
  const info = await stat(root).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new MlpError('NOT_FOUND', `No model package at ${label}: check the path.`, { cause: error });
    throw error;
  });
  if (!info.isDirectory()) throw new MlpError('INVALID_ARGUMENT', `${label} is not a folder: register a model package folder or a run.`);
  const files: SourceFile[] = [];
  const { within } = options;
  async function walk(dir: string, prefix: string): Promise<void> {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      const relative = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
      if (entry.isDirectory()) await walk(full, relative);
      else if (entry.isFile())
        files.push({ path: relative, open: async () => (within ? openConfined(full, within, label) : createReadStream(full)) });
    }
  }
  await walk(root, '');
  if (files.length === 0) throw new MlpError('FAILED_PRECONDITION', `The model package at ${label} is empty: it has no files to register.`);
  return { source: root, runId: null, files };
}
