import type { ProgressDisplay } from '@mlp/cli';
import { describe, expect, it } from 'vitest';
import { createTrainProgress } from './train-progress.js';

/** A display that records what it was asked to show. */
function recorder() {
  const lines: string[] = [];
  let status: readonly string[] = [];
  const display: ProgressDisplay = {
    line: (text) => void lines.push(text),
    status: (next) => {
      status = typeof next === 'string' ? [next] : next;
    },
    counter: () => ({ update() {}, add() {}, setLabel() {}, done() {} }),
    stream: { write: () => true },
    clear: () => {
      status = [];
    },
  };
  return { display, lines, status: () => status };
}

const trial = (index: number, status: 'FINISHED' | 'PRUNED' | 'FAILED', extra: object = {}) => ({
  type: 'trial-ended' as const,
  trial: { runId: `run${index}`, index, params: { lr: 0.01 }, metrics: {}, status, ...extra },
});

describe('createTrainProgress', () => {
  it('keeps the resume hint and one line per ended trial, and shows running trials and an ETA live', () => {
    let now = 0;
    const shown = recorder();
    const progress = createTrainProgress(shown.display, { command: 'mlp train spec.yaml', now: () => now });
    progress.onProgress('resolving dataset flights@3');
    expect(shown.status()).toEqual(['resolving dataset flights@3']);

    progress.onEvent({ type: 'search-started', parentRunId: 'p1', trials: 4, ended: 0, sampler: 'tpe', metric: 'val_auc' });
    expect(shown.lines).toEqual(['search p1: 4 trials (tpe, val_auc); if interrupted, resume with: mlp train spec.yaml --resume p1']);
    progress.onProgress('trial 0 started (run run0): {"lr":0.01}'); // the search's own messages are drawn from events
    progress.onEvent({ type: 'trial-started', index: 0, runId: 'run0', params: { lr: 0.01 }, epochs: 4 });
    progress.onEvent({ type: 'trial-started', index: 1, runId: 'run1', params: { lr: 0.1 }, epochs: 4 });
    now = 5000;
    progress.onEvent({ type: 'epoch', index: 1, epoch: 2, metrics: { loss: 0.5, val_auc: 0.71, val_loss: 0.6 } });
    expect(shown.status()).toEqual([
      'trials 0/4 done · 2 running · 0 finished, 0 pruned, 0 failed',
      '  trial 0: epoch 0/4 (5s)',
      '  trial 1: epoch 2/4 val_auc=0.7100 val_loss=0.6000 (5s)',
    ]);

    now = 10_000;
    progress.onEvent({
      ...trial(0, 'FINISHED'),
      trial: { ...trial(0, 'FINISHED').trial, metrics: { val_auc: 0.8, val_loss: 0.4, loss: 0.3 } },
    });
    progress.onEvent(trial(1, 'PRUNED'));
    expect(shown.lines.slice(1)).toEqual([
      '✓ trial 0 FINISHED val_auc=0.8000 val_loss=0.4000 (10s) run run0',
      '- trial 1 PRUNED (10s) run run1',
    ]);
    // 2 trials left at 10 s each, two at once: 10 s.
    expect(shown.status()).toEqual(['trials 2/4 done · 0 running · 1 finished, 1 pruned, 0 failed · ETA 10s']);

    progress.onEvent({ type: 'trial-started', index: 2, runId: 'run2', params: {}, epochs: 4 });
    progress.onEvent(trial(2, 'FAILED', { error: 'worker exited with code 1' }));
    expect(shown.lines.at(-1)).toBe('✗ trial 2 FAILED: worker exited with code 1 (0s) run run2');
    expect(progress.interrupted()).toContain('search p1');
    expect(progress.interrupted()).toContain('mlp train spec.yaml --resume p1');
  });
});
