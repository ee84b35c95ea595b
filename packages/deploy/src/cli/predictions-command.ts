import type { CliCommandModule, CliContext } from '@mlp/cli';
import { MlpError, type PredictionLogEntry } from '@mlp/core';
import { createPredictionLogReader } from '../prediction-log/prediction-log-reader.js';
import { prunePredictionLog } from '../prediction-log/prune-prediction-log.js';
import { parseDuration } from './deploy-commands.js';
import { predictionLogEntryJson, predictionPruneJson } from './json-shapes.js';

type Program = Parameters<CliCommandModule['register']>[0];

interface PredictionsFlags {
  since: string;
  limit: string;
  version?: string;
}

async function openReader(context: CliContext) {
  const workspace = await context.openWorkspace();
  return createPredictionLogReader({ blobs: workspace.blobs });
}

const summary = (value: unknown, width = 60) => {
  const text = JSON.stringify(value) ?? '';
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
};

/** `mlp predictions MODEL`: the latest entries of a served model's prediction log. */
async function runPredictions(context: CliContext, model: string, flags: PredictionsFlags): Promise<void> {
  const window = parseDuration(flags.since, '--since');
  if (!/^\d+$/.test(flags.limit) || Number(flags.limit) < 1)
    throw new MlpError('INVALID_ARGUMENT', `--limit must be a whole number of at least 1, not '${flags.limit}'.`);
  const limit = Number(flags.limit);
  const to = Date.now() + 1;
  const reader = await openReader(context);
  // The newest `limit` entries of the window, in time order.
  const entries: PredictionLogEntry[] = [];
  let total = 0;
  for await (const entry of reader.read({ model, from: to - window, to, ...(flags.version ? { modelVersion: flags.version } : {}) })) {
    total += 1;
    entries.push(entry);
  }
  entries.sort((a, b) => a.at - b.at);
  const shown = entries.slice(-limit);
  const human =
    shown.length === 0
      ? `No predictions of '${model}' logged in the last ${flags.since}.`
      : [
          `${total} prediction${total === 1 ? '' : 's'} of '${model}' in the last ${flags.since}${total > shown.length ? `, the latest ${shown.length}` : ''}:`,
          ...shown.map(
            (entry) =>
              `${new Date(entry.at).toISOString()}  v${entry.modelVersion}  ${entry.latencyMs.toFixed(1)} ms  ${summary(entry.inputs, 50)} → ${summary(entry.outputs, 50)}`,
          ),
        ].join('\n');
  context.output(human, { model, total, entries: shown.map(predictionLogEntryJson) });
}

/** `mlp predictions prune --older-than 30d [--model M]`: the log's retention, run by hand or from a schedule. */
async function runPrune(context: CliContext, flags: { olderThan?: string; model?: string }): Promise<void> {
  if (flags.olderThan === undefined)
    throw new MlpError(
      'INVALID_ARGUMENT',
      'Say how much to keep: mlp predictions prune --older-than 30d deletes what is older than 30 days.',
    );
  const before = Date.now() - parseDuration(flags.olderThan, '--older-than');
  const workspace = await context.openWorkspace();
  const counter = context.display.counter('deleting expired prediction batches');
  let shown = 0;
  const result = await prunePredictionLog({
    blobs: workspace.blobs,
    before,
    ...(flags.model !== undefined ? { model: flags.model } : {}),
    onProgress: ({ deleted }) => {
      counter.add(deleted - shown);
      shown = deleted;
    },
  });
  counter.done();
  const scope = flags.model === undefined ? 'every model' : `'${flags.model}'`;
  context.output(
    `Deleted ${result.deleted} of ${result.scanned} prediction log batches of ${scope} whose entries are all older than ${new Date(before).toISOString()} (${result.deletedBytes} bytes).`,
    predictionPruneJson(result, before, flags.model ?? null),
  );
}

/**
 * The prediction log in the `mlp` command: `mlp predictions MODEL`, and the `predictionLog` service
 * (`@mlp/monitor` reads served traffic through it without depending on deploy).
 */
export const predictionLogCommands: CliCommandModule = {
  name: 'deploy-prediction-log',
  services: { predictionLog: openReader },
  register(program: Program, context: CliContext) {
    const predictions = program
      .command('predictions')
      .description("print a served model's latest logged predictions (mlp serve --log-predictions)")
      .argument('<model>', 'the model name the server served it as')
      .option('--since <duration>', 'how far back to look: 30m, 1h, 24h', '1h')
      .option('--limit <n>', 'the latest entries to print', '20')
      .option('--version <version>', "only this model version's predictions")
      .action((model: string, flags: PredictionsFlags) => runPredictions(context, model, flags));
    predictions
      .command('prune')
      .description('delete logged predictions older than --older-than (the log keeps everything until pruned)')
      .option('--older-than <duration>', 'what to delete: 30d, 12h')
      .option('--model <name>', "only this model's predictions")
      .action((flags: { olderThan?: string; model?: string }) => runPrune(context, flags));
  },
};
