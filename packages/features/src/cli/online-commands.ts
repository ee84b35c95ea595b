import type { CliCommandModule, CliContext } from '@mlp/cli';
import { MlpError } from '@mlp/core';
import type { MaterializeResult } from '../materialize/materialize-online.js';
import { type OnlineFeatures, openOnlineFeatures } from '../serve/online-features.js';
import { featureRowJson, materializeJson } from './json-shapes.js';

type Command = ReturnType<Parameters<CliCommandModule['register']>[0]['command']>;

/** `--from`/`--to`: an ISO 8601 date or time (`2026-01-31`, `2026-01-31T12:00:00Z`) or epoch milliseconds. */
export function parseInstant(text: string, flag: string): number {
  const trimmed = text.trim();
  const ms = /^-?\d+$/.test(trimmed) ? Number(trimmed) : Date.parse(trimmed);
  if (!Number.isSafeInteger(ms)) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `${flag} ${JSON.stringify(text)} is not a time: give an ISO 8601 date or time (2026-01-31T12:00:00Z) or epoch milliseconds.`,
    );
  }
  return ms;
}

/** `--key carrier=AA` or `--key origin=JFK,hour=7`: one entity's join keys. */
export function parseEntityKey(text: string): Record<string, string> {
  const key: Record<string, string> = {};
  for (const part of text.split(',')) {
    const at = part.indexOf('=');
    const name = part.slice(0, at).trim();
    if (at < 1 || name === '') {
      throw new MlpError(
        'INVALID_ARGUMENT',
        `--key ${JSON.stringify(text)} is not NAME=VALUE: write --key carrier=AA (or origin=JFK,hour=7 for several join keys).`,
      );
    }
    key[name] = part.slice(at + 1);
  }
  return key;
}

/** What the features CLI module offers others as `onlineFeatures` (deploy's model server enriches requests with it). */
export async function onlineFeaturesService(context: CliContext): Promise<OnlineFeatures> {
  const workspace = await context.openWorkspace();
  const datasets = await context.service('datasetCatalog');
  return context.closeAfter(await openOnlineFeatures(workspace, { env: context.env, ...(datasets ? { datasets } : {}) }));
}

const time = (ms: number | null) => (ms === null ? 'the beginning' : new Date(ms).toISOString());

function summary(result: MaterializeResult): string {
  return `Materialised ${result.view} v${result.version} into the ${result.store} online store, event times from ${time(result.from)} to ${time(result.to)}: ${result.rows} entities read, ${result.written} written, ${result.skipped} kept (newer values held, or past the TTL).`;
}

/** `mlp features materialize VIEW [--from --to]` and `mlp features get VIEW --key k=v [--key …]`. */
export function registerOnlineCommands(features: Command, context: CliContext): void {
  features
    .command('materialize <view>')
    .description("write the latest values of a view's entities to the online store (only what changed since the last run)")
    .option('--from <time>', 'event times from (ISO 8601 or epoch ms); default: where the last run ended')
    .option('--to <time>', 'event times before (ISO 8601 or epoch ms); default: now')
    .option('--no-refresh', 'read the offline table as it is, without reloading a table or query source first')
    .action(async (view: string, flags: { from?: string; to?: string; refresh: boolean }) => {
      const from = flags.from === undefined ? undefined : parseInstant(flags.from, '--from');
      const to = flags.to === undefined ? undefined : parseInstant(flags.to, '--to');
      const online = await onlineFeaturesService(context);
      context.progress(`reading ${view} from its offline table`);
      const counter = context.display.counter(`materialising ${view}`);
      let shown = 0;
      const result = await online.materialize(view, {
        ...(from !== undefined ? { from } : {}),
        ...(to !== undefined ? { to } : {}),
        refreshOffline: flags.refresh,
        onProgress: ({ rows }) => {
          counter.add(rows - shown);
          shown = rows;
        },
      });
      counter.done();
      context.output(summary(result), materializeJson(result));
    });

  features
    .command('get <view>')
    .description('read the latest feature values of entities from the online store')
    .option(
      '--key <k=v>',
      'an entity by its join keys (carrier=AA, or origin=JFK,hour=7); repeat for more',
      (value: string, all: string[]) => [...all, value],
      [] as string[],
    )
    .option('--features <names>', 'only these features, comma-separated')
    .action(async (view: string, flags: { key: string[]; features?: string }) => {
      if (flags.key.length === 0)
        throw new MlpError('INVALID_ARGUMENT', 'Name at least one entity: --key carrier=AA (repeat --key for more).');
      const entityKeys = flags.key.map(parseEntityKey);
      const features = flags.features
        ?.split(',')
        .map((name) => name.trim())
        .filter((name) => name !== '');
      const online = await onlineFeaturesService(context);
      const results = await online.getOnlineFeatures({ view, entityKeys, ...(features ? { features } : {}) });
      const names = [...new Set(results.flatMap((row) => (row ? Object.keys(row) : [])))];
      context.output(
        {
          columns: ['entity', ...names],
          rows: results.map((row, index) => [
            Object.entries(entityKeys[index] ?? {})
              .map(([name, value]) => `${name}=${value}`)
              .join(','),
            ...names.map((name) => (row === null ? '–' : String(row[name] ?? 'null'))),
          ]),
          footer: `${results.filter((row) => row !== null).length} of ${results.length} entities found in the ${online.store.kind} online store`,
        },
        { view, results: results.map((row, index) => featureRowJson(entityKeys[index] ?? {}, row)) },
      );
    });
}
