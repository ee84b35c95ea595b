import type { CliCommandModule, CliContext } from '@mlp/cli';
import { remoteJson } from './json-shapes.js';
import { openCliDataRepo } from './open-cli-data-repo.js';

type Group = ReturnType<Parameters<CliCommandModule['register']>[0]['command']>;

/** `mlp data remote add|ls|default`: remotes in `.dvc/config` (shared with DVC) or `.mlp/data-config.json`. */
export function registerRemoteCommands(data: Group, context: CliContext): void {
  const remote = data.command('remote').description('configure where push, fetch and pull send and get data');

  remote
    .command('add')
    .description('add a remote: a folder or s3://bucket/prefix')
    .argument('<name>', 'the remote name')
    .argument('<url>', 'a folder path, or s3://bucket/prefix')
    .option('-d, --default', 'make it the default remote')
    .option('--endpoint <url>', 'S3: a custom endpoint (MinIO, Ceph, s3rver)')
    .option('--region <region>', 'S3: the region')
    .option('-f, --force', 'replace a remote of the same name')
    .action(async (name: string, url: string, flags: { default?: boolean; endpoint?: string; region?: string; force?: boolean }) => {
      const { repo } = await openCliDataRepo(context);
      await repo.remotes.add(name, url, {
        ...(flags.default ? { default: true } : {}),
        ...(flags.endpoint ? { endpoint: flags.endpoint } : {}),
        ...(flags.region ? { region: flags.region } : {}),
        ...(flags.force ? { force: true } : {}),
      });
      const where = repo.layout.kind === 'dvc' ? '.dvc/config' : '.mlp/data-config.json';
      context.output(`Added remote '${name}' (${url})${flags.default ? ' as the default' : ''} to ${where}.`, {
        name,
        url,
        default: Boolean(flags.default),
      });
    });

  remote
    .command('ls')
    .alias('list')
    .description('list the configured remotes')
    .action(async () => {
      const { repo } = await openCliDataRepo(context);
      const remotes = await repo.remotes.list();
      context.output(
        remotes.length === 0
          ? 'No remotes. Add one with `mlp data remote add NAME URL --default`.'
          : {
              columns: ['name', 'url', 'default', 'endpoint'],
              rows: remotes.map((item) => [item.name, item.url, item.default ? 'yes' : '', item.endpoint ?? '']),
            },
        remotes.map(remoteJson),
      );
    });

  remote
    .command('default')
    .description('make a remote the default for push, fetch and pull')
    .argument('<name>', 'a configured remote')
    .action(async (name: string) => {
      const { repo } = await openCliDataRepo(context);
      await repo.remotes.setDefault(name);
      context.output(`Remote '${name}' is now the default.`, { default: name });
    });
}
