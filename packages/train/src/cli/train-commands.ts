import path from 'node:path';
import type { CliCommandModule, CliContext } from '@mlp/cli';
import { MlpError } from '@mlp/core';
import { createTracking } from '@mlp/tracking';
import { loadSpec } from '../spec/load-spec.js';
import { type TrainOptions, type TrainResult, train } from '../train.js';
import { trainJson } from './json-shapes.js';
import { registerPredictCommand } from './predict-command.js';
import { resolveWorkspaceRunId } from './resolve-run-id.js';
import { createTrainProgress } from './train-progress.js';

type Program = Parameters<CliCommandModule['register']>[0];

interface TrainFlags {
  trials?: string;
  parallel?: string;
  resume?: string;
  trialsOn?: string;
  out: string;
}

function wholeNumber(flag: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < min)
    throw new MlpError('INVALID_ARGUMENT', `${flag} must be a whole number ≥ ${min}, not ${JSON.stringify(value)}.`);
  return number;
}

/** The JSON the issue asks for: snake_case, one entry per trial. */

function registerTrain(program: Program, context: CliContext): void {
  program
    .command('train')
    .description('train a model from a spec (YAML or JSON); with a `search` section, run a tracked hyper-parameter search')
    .argument('<spec>', 'the training spec file')
    .option('--trials <n>', 'trials of the search (overrides search.trials)')
    .option('--parallel <n>', 'trials at once (overrides search.parallel; 0 = one per core)')
    .option(
      '--trials-on <where>',
      'where trials run: threads, processes, or queue (jobs for `mlp worker` processes; overrides search.workers)',
    )
    .option('--resume <run-id>', 'continue the interrupted search whose parent run this is (a unique id prefix will do)')
    .option('--out <dir>', 'local folder for model packages', '.mlp/train')
    .action(async (specFile: string, flags: TrainFlags) => {
      const spec = await loadSpec(path.resolve(context.workspaceDir, specFile));
      const workspace = await context.openWorkspace({ applicationName: 'mlp train' });
      const catalog = await context.service('datasetCatalog');
      const tracking = createTracking(workspace, { env: context.env, ...(catalog ? { lineage: catalog.lineage } : {}) });
      const trials = wholeNumber('--trials', flags.trials, 1);
      const parallel = wholeNumber('--parallel', flags.parallel, 0);
      const trialsOn = placement(flags.trialsOn);
      const jobQueue = (trialsOn ?? spec.search?.workers) === 'queue' ? await queueService(context) : undefined;
      const progress = createTrainProgress(context.display, { command: trainCommandLine(context, specFile) });
      // Ctrl-C stops the search cleanly (trials kept, runs ended) and says how to resume; a second one exits at once.
      const interrupt = new AbortController();
      const onInterrupt = () => {
        if (interrupt.signal.aborted) {
          // A second Ctrl-C: Node's default for the signal ends the process at once (exit 130 in a shell).
          process.off('SIGINT', onInterrupt);
          process.kill(process.pid, 'SIGINT');
          return;
        }
        context.display.line(progress.interrupted());
        interrupt.abort();
      };
      process.on('SIGINT', onInterrupt);
      try {
        const result = await train(spec, {
          tracking,
          // Trainer plugins as every command sees them: the modules mlp.config.json lists.
          plugins: workspace.plugins,
          ...(catalog ? { datasets: catalog } : {}),
          ...(trials !== undefined ? { trials } : {}),
          ...(parallel !== undefined ? { parallel } : {}),
          ...(trialsOn ? { trialsOn } : {}),
          ...(jobQueue ? { jobQueue } : {}),
          ...(flags.resume ? { resume: await resolveWorkspaceRunId(workspace, flags.resume) } : {}),
          outDir: path.resolve(context.workspaceDir, flags.out),
          signal: interrupt.signal,
          onProgress: progress.onProgress,
          onEvent: progress.onEvent,
        });
        context.output(trainSummary(result), trainJson(result));
      } finally {
        process.off('SIGINT', onInterrupt);
        await tracking.close();
      }
    });
}

function placement(value: string | undefined): TrainOptions['trialsOn'] {
  if (value === undefined) return undefined;
  if (value === 'threads' || value === 'processes' || value === 'queue') return value;
  throw new MlpError('INVALID_ARGUMENT', `--trials-on is threads, processes or queue, not ${JSON.stringify(value)}.`);
}

/** The job queue another installed module provides (@mlp/orchestrate's, run by `mlp worker`). */
async function queueService(context: CliContext) {
  const queue = await context.service('jobQueue');
  if (!queue)
    throw new MlpError(
      'FAILED_PRECONDITION',
      'trials on the queue need @mlp/orchestrate, which provides the job queue `mlp worker` processes run: install it (npm install @mlp/orchestrate), or use --trials-on threads.',
    );
  return queue;
}

/** `mlp -C dir train spec.yaml`: the command as the user gave it, for the resume hint. */
function trainCommandLine(context: CliContext, specFile: string): string {
  const quote = (value: string) => (/^[\w./@:=-]+$/.test(value) ? value : JSON.stringify(value));
  const workspace = context.options.workspace;
  return `mlp${workspace ? ` -C ${quote(workspace)}` : ''} train ${quote(specFile)}`;
}

function trainSummary(result: TrainResult) {
  const cell = (value: number | undefined) => (value === undefined ? '' : Number.isInteger(value) ? String(value) : value.toFixed(4));
  const keys = [...new Set(result.trials.flatMap((trial) => Object.keys(trial.metrics)))]
    .filter((key) => key.startsWith('test_') || key.startsWith('val_'))
    .slice(0, 4);
  return {
    columns: ['trial', 'run', 'status', ...keys],
    rows: result.trials.map((trial) => [String(trial.index), trial.runId, trial.status, ...keys.map((key) => cell(trial.metrics[key]))]),
    footer: `best run ${result.bestRunId}${result.parentRunId ? ` (search ${result.parentRunId})` : ''}; model package ${result.packageDir}`,
  };
}

/** `mlp train` and `mlp predict`. */
export const trainCommands: CliCommandModule = {
  name: 'train',
  register(program, context) {
    registerTrain(program, context);
    registerPredictCommand(program, context);
  },
};
