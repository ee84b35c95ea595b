import { access } from 'node:fs/promises';
import path from 'node:path';
import type { CliCommandModule, CliContext } from '@mlp/cli';
import { MlpError, plural } from '@mlp/core';
import type { LinkType } from '../dvc/materialize.js';
import type { TransferReport } from '../dvc/transfer.js';
import { catalogMigrations, openCliCatalog, registerCatalogCommands } from './catalog-commands.js';
import { addedJson, checkoutJson, gcJson, pullJson, statusJson, transferJson } from './json-shapes.js';
import { openCliDataRepo } from './open-cli-data-repo.js';
import { formatBytes, showTransferProgress } from './progress-format.js';
import { registerRemoteCommands } from './remote-commands.js';

type Program = Parameters<CliCommandModule['register']>[0];

const linkTypes: readonly LinkType[] = ['copy', 'hardlink', 'reflink'];

function parseLink(value: string | undefined): LinkType | undefined {
  if (value === undefined) return undefined;
  if (!(linkTypes as readonly string[]).includes(value))
    throw new MlpError('INVALID_ARGUMENT', `--link must be one of ${linkTypes.join(', ')}, not ${JSON.stringify(value)}.`);
  return value as LinkType;
}

function parseJobs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const jobs = Number(value);
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 256)
    throw new MlpError('INVALID_ARGUMENT', `--jobs must be an integer from 1 to 256, not ${JSON.stringify(value)}.`);
  return jobs;
}

function transferSummary(verb: string, report: TransferReport): string {
  const lines = [
    `${verb} ${report.transferred} object${report.transferred === 1 ? '' : 's'} (${formatBytes(report.bytes)}) ${verb === 'Pushed' ? 'to' : 'from'} remote '${report.remote}'; ${report.skipped} already there.`,
  ];
  if (report.missing.length > 0)
    lines.push(
      `${report.missing.length} object${report.missing.length === 1 ? ' is' : 's are'} missing ${verb === 'Pushed' ? 'from the local cache' : 'on the remote'}: ${report.missing.slice(0, 5).join(', ')}${report.missing.length > 5 ? ', …' : ''}`,
    );
  for (const failure of report.failed.slice(0, 10)) lines.push(`failed ${failure.object}: ${failure.reason}`);
  return lines.join('\n');
}

function registerVersioningCommands(data: ReturnType<Program['command']>, context: CliContext): void {
  const progress = () => showTransferProgress(context.display);

  data
    .command('add')
    .description('version files or folders: hash them into the cache, write <path>.dvc, ignore them in git')
    .argument('<paths...>', 'files or folders inside the project')
    .action(async (paths: string[]) => {
      const { repo, resolve } = await openCliDataRepo(context);
      const added = await repo.add(paths.map(resolve), { onProgress: progress() });
      context.output(
        {
          columns: ['path', 'md5', 'size', 'files'],
          rows: added.map((entry) => [
            entry.path,
            entry.md5,
            formatBytes(entry.size),
            entry.nfiles === undefined ? '-' : String(entry.nfiles),
          ]),
        },
        added.map(addedJson),
      );
    });

  data
    .command('status')
    .description('show tracked paths that are modified, deleted, new, not in the cache, or DVC 2 entries')
    .argument('[targets...]', 'data paths or .dvc files (default: the whole project)')
    .action(async (targets: string[]) => {
      const { repo, resolve } = await openCliDataRepo(context);
      const report = await repo.status(targets.length ? targets.map(resolve) : undefined);
      const changed = report.entries.filter((entry) => entry.status.length > 0);
      const human =
        report.entries.length === 0
          ? 'Nothing is tracked yet. Add data with `mlp data add PATH`.'
          : changed.length === 0
            ? `Data and cache are up to date (${report.entries.length} tracked path${report.entries.length === 1 ? '' : 's'}).`
            : {
                columns: ['path', 'status', 'changes'],
                rows: changed.map((entry) => [
                  entry.path,
                  entry.status.join(', '),
                  entry.changes ? `+${entry.changes.added.length} ~${entry.changes.modified.length} -${entry.changes.deleted.length}` : '',
                ]),
              };
      context.output(human, statusJson(report));
    });

  data
    .command('checkout')
    .description('restore tracked files and folders to the versions their .dvc files record')
    .argument('[targets...]', 'data paths or .dvc files (default: the whole project)')
    .option('-f, --force', 'overwrite or delete workspace changes that are not in the cache')
    .option('--link <type>', 'copy (default), hardlink or reflink')
    .action(async (targets: string[], flags: { force?: boolean; link?: string }) => {
      const link = parseLink(flags.link);
      const { repo, resolve } = await openCliDataRepo(context);
      const report = await repo.checkout(targets.length ? targets.map(resolve) : undefined, {
        ...(flags.force ? { force: true } : {}),
        ...(link ? { link } : {}),
        onProgress: progress(),
      });
      const lines = [
        `Checked out ${plural(report.changed.length, 'path')} (${plural(report.files, 'file')} written); ${report.unchanged.length} unchanged.`,
      ];
      for (const failure of report.failed) lines.push(`failed ${failure.path}: ${failure.reason}`);
      context.output(lines.join('\n'), checkoutJson(report));
      if (report.failed.length > 0) context.setExitCode(1);
    });

  const transferCommand = (name: 'push' | 'fetch' | 'pull', description: string) =>
    data
      .command(name)
      .description(description)
      .argument('[targets...]', 'data paths or .dvc files (default: the whole project)')
      .option('-r, --remote <name>', 'a configured remote (default: the default remote)')
      .option('-j, --jobs <n>', 'objects transferred at once (default 16)');

  transferCommand('push', 'upload the cached versions of tracked data to a remote (objects it has are skipped)').action(
    async (targets: string[], flags: { remote?: string; jobs?: string }) => {
      const jobs = parseJobs(flags.jobs);
      const { repo, resolve } = await openCliDataRepo(context);
      const report = await repo.push({
        ...(targets.length ? { targets: targets.map(resolve) } : {}),
        ...(flags.remote ? { remote: flags.remote } : {}),
        ...(jobs ? { jobs } : {}),
        onProgress: progress(),
      });
      context.output(transferSummary('Pushed', report), transferJson(report));
      if (report.failed.length > 0 || report.missing.length > 0) context.setExitCode(1);
    },
  );

  transferCommand('fetch', 'download missing objects of tracked data from a remote into the cache, verifying each md5').action(
    async (targets: string[], flags: { remote?: string; jobs?: string }) => {
      const jobs = parseJobs(flags.jobs);
      const { repo, resolve } = await openCliDataRepo(context);
      const report = await repo.fetch({
        ...(targets.length ? { targets: targets.map(resolve) } : {}),
        ...(flags.remote ? { remote: flags.remote } : {}),
        ...(jobs ? { jobs } : {}),
        onProgress: progress(),
      });
      context.output(transferSummary('Fetched', report), transferJson(report));
      if (report.failed.length > 0 || report.missing.length > 0) context.setExitCode(1);
    },
  );

  transferCommand('pull', 'fetch, then check out')
    .option('-f, --force', 'overwrite workspace changes that are not in the cache')
    .action(async (targets: string[], flags: { remote?: string; jobs?: string; force?: boolean }) => {
      const jobs = parseJobs(flags.jobs);
      const { repo, resolve } = await openCliDataRepo(context);
      const report = await repo.pull({
        ...(targets.length ? { targets: targets.map(resolve) } : {}),
        ...(flags.remote ? { remote: flags.remote } : {}),
        ...(jobs ? { jobs } : {}),
        ...(flags.force ? { force: true } : {}),
        onProgress: progress(),
      });
      const lines = [
        transferSummary('Fetched', report),
        `Checked out ${plural(report.checkout.changed.length, 'path')}; ${report.checkout.unchanged.length} unchanged.`,
      ];
      for (const failure of report.checkout.failed) lines.push(`failed ${failure.path}: ${failure.reason}`);
      context.output(lines.join('\n'), pullJson(report));
      if (report.failed.length > 0 || report.missing.length > 0 || report.checkout.failed.length > 0) context.setExitCode(1);
    });

  data
    .command('gc')
    .description('remove cache objects no .dvc file in the workspace uses (a dry run unless --force)')
    .option('-f, --force', 'really delete them')
    .action(async (flags: { force?: boolean }) => {
      const { repo } = await openCliDataRepo(context);
      // In an mlp workspace the catalog's older versions live only in the cache: keep them too.
      const report = (await hasWorkspace(repo.root))
        ? await (await openCliCatalog(context)).catalog.gc({ dryRun: !flags.force })
        : await repo.gc({ dryRun: !flags.force });
      const what = `${report.removed.length} unused object${report.removed.length === 1 ? '' : 's'} (${formatBytes(report.bytes)})`;
      context.output(
        report.dryRun
          ? `Would remove ${what}; ${report.kept} in use. Run \`mlp data gc --force\` to delete them.`
          : `Removed ${what}; ${report.kept} in use.`,
        gcJson(report),
      );
    });
}

async function hasWorkspace(root: string): Promise<boolean> {
  for (const marker of ['mlp.config.json', '.mlp']) {
    if (
      await access(path.join(root, marker)).then(
        () => true,
        () => false,
      )
    )
      return true;
  }
  return false;
}

/** The `mlp data` commands: versioning (add, status, checkout, push, fetch, pull, gc, remote) and the catalog. */
export const dataCommands: CliCommandModule = {
  name: 'data-version',
  migrations: catalogMigrations,
  // `mlp train` reads dataset versions (`flights@3`) through this, without importing data-version.
  // `mlp server`'s web UI browses datasets, versions and lineage through `datasetBrowser`.
  services: {
    datasetCatalog: async (context) => (await openCliCatalog(context)).catalog,
    // `mlp features training-set --dataset NAME` versions the file it wrote through this
    datasetWriter: async (context) => (await openCliCatalog(context)).catalog,
    datasetBrowser: async (context) => (await openCliCatalog(context)).catalog,
  },
  register(program, context) {
    const data = program.command('data').description('version data files and folders (DVC 3 compatible), remotes, datasets');
    registerVersioningCommands(data, context);
    registerRemoteCommands(data, context);
    registerCatalogCommands(data, context);
  },
};
