import path from 'node:path';
import type { CliCommandModule, CliContext } from '@mlp/cli';
import { MlpError } from '@mlp/core';
import { openLabelStore } from '../quality/label-store.js';
import { readLabelsFile } from '../quality/read-labels.js';
import { labelsJson } from './json-shapes.js';

type Command = ReturnType<Parameters<CliCommandModule['register']>[0]['command']>;

interface LabelsFlags {
  deployment?: string;
  requestIdColumn: string;
  labelColumn: string;
  atColumn?: string;
  format?: string;
}

/** `mlp monitor labels FILE --deployment D`: ground truth stored by request id, joined later to the prediction log. */
export function registerLabels(monitor: Command, context: CliContext): void {
  monitor
    .command('labels')
    .description('store the true labels of served predictions (a file with request_id and label columns), for model quality')
    .argument('<file>', 'labels file: CSV, TSV, Parquet, JSON lines or JSON')
    .option('--deployment <name>', 'the deployment (or model) the predictions came from; required')
    .option('--request-id-column <name>', 'the column with request ids (<id>#<i> for the i-th row of a batch request)', 'request_id')
    .option('--label-column <name>', 'the column with the true values', 'label')
    .option('--at-column <name>', 'a column with when each labelled event happened (epoch ms or a timestamp)')
    .option('--format <format>', 'the file format when its name does not tell (csv, tsv, parquet, jsonl, json)')
    .action(async (file: string, flags: LabelsFlags) => {
      if (!flags.deployment) {
        throw new MlpError(
          'INVALID_ARGUMENT',
          'mlp monitor labels needs --deployment NAME: the deployment whose predictions these labels are for.',
        );
      }
      context.progress(`reading ${file}`);
      const { truths, skipped } = await readLabelsFile(path.resolve(file), {
        requestIdColumn: flags.requestIdColumn,
        labelColumn: flags.labelColumn,
        ...(flags.atColumn ? { atColumn: flags.atColumn } : {}),
        ...(flags.format ? { format: flags.format } : {}),
      });
      const workspace = await context.openWorkspace({ applicationName: 'mlp monitor labels' });
      const store = await openLabelStore(workspace);
      const rows = context.display.counter('storing labels', { total: truths.length });
      let written = 0;
      // In slices, so the counter moves on a large file.
      for (let i = 0; i < truths.length; i += 10_000) {
        written += await store.add(flags.deployment, truths.slice(i, i + 10_000));
        rows.add(Math.min(10_000, truths.length - i));
      }
      rows.done();
      const total = await store.count(flags.deployment);
      context.output(
        `Stored ${written} label${written === 1 ? '' : 's'} for ${flags.deployment}${skipped ? ` (${skipped} rows without a request id or label left out)` : ''}; ${total} in all.`,
        labelsJson({ deployment: flags.deployment, file, written, skipped, total }),
      );
    });
}
