import { formatDuration, type ProgressDisplay } from '@mlp/cli';
import type { TrainEvent } from '../train-event.js';

export interface TrainProgressOptions {
  /** How the user resumes this search: `mlp train spec.yaml` (the display adds `--resume <id>`). */
  command: string;
  /** Milliseconds now, for durations and the ETA; Date.now by default. */
  now?: () => number;
}

interface RunningTrial {
  index: number;
  started: number;
  epoch: number;
  epochs: number;
  metrics: Record<string, number>;
}

/** Running trials listed in the live block; more are counted in its first line. */
const SHOWN_RUNNING = 8;

/**
 * `mlp train`'s progress: the resume hint and one line per ended trial stay on screen (plain lines in
 * a pipe); the live block shows trials done, running, pruned and failed, each running trial's epoch,
 * and an ETA. Before a search starts (or without one), progress messages go to the live block.
 */
export function createTrainProgress(display: ProgressDisplay, options: TrainProgressOptions) {
  const now = options.now ?? Date.now;
  let search: { parentRunId: string; trials: number; ended: number; metric: string } | undefined;
  const running = new Map<number, RunningTrial>();
  const counts = { FINISHED: 0, PRUNED: 0, FAILED: 0 };
  const durations: number[] = [];
  let widest = 1; // trials seen running at once: the pace of the rest

  const resumeCommand = (id: string) => `${options.command} --resume ${id}`;

  const block = (): string[] => {
    if (!search) return [];
    const ended = search.ended + counts.FINISHED + counts.PRUNED + counts.FAILED;
    const parts = [
      `trials ${ended}/${search.trials} done`,
      `${running.size} running`,
      `${counts.FINISHED} finished, ${counts.PRUNED} pruned, ${counts.FAILED} failed`,
    ];
    const eta = estimate(ended);
    if (eta !== undefined) parts.push(`ETA ${formatDuration(eta)}`);
    const trials = [...running.values()].sort((a, b) => a.index - b.index);
    const lines = trials
      .slice(0, SHOWN_RUNNING)
      .map(
        (trial) =>
          `  trial ${trial.index}: epoch ${trial.epoch}/${trial.epochs}${trial.epoch > 0 ? ` ${metricsText(trial.metrics, search?.metric)}` : ''} (${formatDuration((now() - trial.started) / 1000)})`,
      );
    if (trials.length > SHOWN_RUNNING) lines.push(`  … ${trials.length - SHOWN_RUNNING} more running`);
    return [parts.join(' · '), ...lines];
  };

  /** Seconds left: the trials not yet ended, less the epochs running trials have done, at this session's pace per trial. */
  const estimate = (ended: number): number | undefined => {
    if (!search || durations.length === 0) return undefined;
    const perTrial = durations.reduce((sum, value) => sum + value, 0) / durations.length;
    const doneOfRunning = [...running.values()].reduce((sum, trial) => sum + (trial.epochs > 0 ? trial.epoch / trial.epochs : 0), 0);
    const left = Math.max(0, search.trials - ended - doneOfRunning);
    return (left * perTrial) / 1000 / widest;
  };

  const redraw = () => display.status(block());

  return {
    onProgress(message: string) {
      if (!search) display.status(message);
    },
    onEvent(event: TrainEvent) {
      switch (event.type) {
        case 'search-started':
          search = { parentRunId: event.parentRunId, trials: event.trials, ended: event.ended, metric: event.metric };
          display.line(
            `search ${event.parentRunId}: ${event.trials} trials (${event.sampler}, ${event.metric})${event.ended > 0 ? `, ${event.ended} done before` : ''}; if interrupted, resume with: ${resumeCommand(event.parentRunId)}`,
          );
          break;
        case 'trial-started':
          running.set(event.index, { index: event.index, started: now(), epoch: 0, epochs: event.epochs, metrics: {} });
          widest = Math.max(widest, running.size);
          break;
        case 'epoch': {
          const trial = running.get(event.index);
          if (trial) Object.assign(trial, { epoch: event.epoch, metrics: event.metrics });
          break;
        }
        case 'trial-ended': {
          const { trial } = event;
          const started = running.get(trial.index)?.started;
          running.delete(trial.index);
          counts[trial.status]++;
          const duration = started === undefined ? undefined : now() - started;
          if (duration !== undefined && trial.status === 'FINISHED') durations.push(duration);
          display.line(trialLine(trial, search?.metric, duration));
          break;
        }
      }
      redraw();
    },
    /** The lines to print when the user interrupts: which search, and how to continue it. */
    interrupted(): string {
      return search
        ? `interrupted: search ${search.parentRunId} stops now; its finished trials are kept. Resume with: ${resumeCommand(search.parentRunId)}`
        : 'interrupted: stopping.';
    },
  };
}

const marks = { FINISHED: '✓', PRUNED: '-', FAILED: '✗' } as const;

/** `✓ trial 3 FINISHED val_auc=0.8123 val_loss=0.4410 (12s) run 0f3a…`: status, index, key metrics, duration. */
function trialLine(
  trial: Extract<TrainEvent, { type: 'trial-ended' }>['trial'],
  metric: string | undefined,
  durationMs: number | undefined,
): string {
  const parts = [`${marks[trial.status]} trial ${trial.index} ${trial.status}`];
  if (trial.status === 'FINISHED') parts.push(metricsText(trial.metrics, metric));
  if (trial.error) parts[0] += `: ${trial.error}`;
  if (durationMs !== undefined) parts.push(`(${formatDuration(durationMs / 1000)})`);
  parts.push(`run ${trial.runId}`);
  return parts.filter((part) => part !== '').join(' ');
}

/** The search metric first, then other validation and test metrics, four at most. */
function metricsText(metrics: Record<string, number>, first: string | undefined): string {
  const keys = Object.keys(metrics).filter((key) => key === first || key.startsWith('val_') || key.startsWith('test_'));
  keys.sort((a, b) => (a === first ? -1 : b === first ? 1 : 0));
  return keys
    .slice(0, 4)
    .map((key) => `${key}=${format(metrics[key] as number)}`)
    .join(' ');
}

function format(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(4);
}
