// A process that logs predictions as fast as it can into an fs blob store at argv[2], until killed:
// the subject of prediction-log-kill.int.test.ts. Big entries make each batch write take a while.
import { createFsBlobStore } from '@mlp/core';
import { createPredictionLog } from '../prediction-log.js';

const root = process.argv[2];
if (!root) throw new Error('usage: prediction-log-writer-process.ts <blob root>');
const log = createPredictionLog({ blobs: createFsBlobStore({ root }), maxBatchEntries: 500, maxBufferedEntries: 5000, flushIntervalMs: 5 });
const inputs = [{ note: 'x'.repeat(2000), distance: 1 }];
let sequence = 0;

function burst(): void {
  for (let i = 0; i < 200; i++) {
    sequence += 1;
    log.record({
      at: Date.now(),
      model: 'flights',
      modelVersion: '1',
      requestId: `r${sequence}`,
      kind: 'records',
      inputs,
      outputs: [{ prediction: sequence % 2 === 0 }],
      latencyMs: 1,
    });
  }
  setImmediate(burst);
}
burst();
process.stdout.write('writing\n');
