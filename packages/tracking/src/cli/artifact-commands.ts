import path from 'node:path';
import type { CliCommandModule, CliContext } from '@mlp/cli';
import { MlpError } from '@mlp/core';
import { artifactRootPrefix, normaliseArtifactPath } from './artifact-location.js';
import { downloadArtifacts } from './download-artifacts.js';
import { createDownloadProgress } from './download-progress.js';
import { formatBytes } from './human-format.js';
import { listArtifacts } from './list-artifacts.js';
import { openTrackingStore } from './open-tracking-store.js';

type Program = Parameters<CliCommandModule['register']>[0];

/** `mlp artifacts ls|get`. */
export function registerArtifactCommands(program: Program, context: CliContext): void {
  const artifacts = program.command('artifacts').description("list and download a run's artifacts");

  artifacts
    .command('ls')
    .alias('list')
    .description("list the files and folders directly under a path of a run's artifacts (the root by default)")
    .argument('<run-id>', 'the run id')
    .argument('[path]', "a folder or file, relative to the run's artifact root", '')
    .action(async (runId: string, artifactPath: string) => {
      // Checked before anything is opened: a path with `..` or an absolute one is refused outright.
      const dir = normaliseArtifactPath(artifactPath);
      const { workspace, store } = await openTrackingStore(context);
      const run = await store.getRun(runId);
      const entries = await listArtifacts(workspace.blobs, artifactRootPrefix(run), dir);
      if (!entries) throw notFound(runId, dir);
      const human =
        entries.length === 0
          ? `Run ${runId} has no artifacts.`
          : {
              columns: ['path', 'size'],
              rows: entries.map((entry) => [
                entry.isDir ? `${entry.path}/` : entry.path,
                entry.fileSize === undefined ? '-' : formatBytes(entry.fileSize),
              ]),
            };
      const json = entries.map((entry) => ({
        path: entry.path,
        is_dir: entry.isDir,
        ...(entry.fileSize === undefined ? {} : { file_size: entry.fileSize }),
      }));
      context.output(human, json);
    });

  artifacts
    .command('get')
    .description("download a file or folder of a run's artifacts (`.` for all of them); files appear whole or not at all")
    .argument('<run-id>', 'the run id')
    .argument('<path>', "a file or folder, relative to the run's artifact root")
    .option(
      '-o, --out <dir-or-file>',
      'where to write: into an existing folder (or one ending in /), else to this name (default: the current folder)',
    )
    .action(async (runId: string, artifactPath: string, flags: { out?: string }) => {
      const normalised = normaliseArtifactPath(artifactPath);
      const cwd = process.cwd();
      // path.resolve drops a trailing slash, which says "a folder to write into": keep it.
      const out = flags.out === undefined ? undefined : path.resolve(cwd, flags.out) + (/[\\/]$/.test(flags.out) ? path.sep : '');
      const { workspace, store } = await openTrackingStore(context);
      const run = await store.getRun(runId);
      const files = await downloadArtifacts({
        blobs: workspace.blobs,
        rootPrefix: artifactRootPrefix(run),
        artifactPath: normalised,
        out,
        cwd,
        rootName: run.runId,
        onProgress: createDownloadProgress((message) => context.progress(message), Date.now),
      });
      if (!files) throw notFound(runId, normalised);
      const bytes = files.reduce((sum, file) => sum + file.size, 0);
      const [first] = files;
      const human =
        files.length === 1 && first?.path === normalised
          ? `Downloaded ${normalised} (${formatBytes(bytes)}) to ${first.destination}`
          : `Downloaded ${files.length} file${files.length === 1 ? '' : 's'} (${formatBytes(bytes)}) from ${normalised || 'the artifact root'} of run ${runId}.`;
      context.output(human, {
        run_id: runId,
        path: normalised,
        bytes,
        files: files.map((file) => ({ path: file.path, destination: file.destination, size: file.size })),
      });
    });
}

function notFound(runId: string, artifactPath: string): MlpError {
  return new MlpError(
    'NOT_FOUND',
    artifactPath === ''
      ? `Run ${runId} has no artifacts.`
      : `Run ${runId} has no artifact at ${JSON.stringify(artifactPath)}. List them with \`mlp artifacts ls ${runId}\`.`,
    { details: { runId, path: artifactPath } },
  );
}
