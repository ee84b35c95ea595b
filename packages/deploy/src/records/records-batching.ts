import { MlpError } from '@mlp/core';
import type { LoadedModel, PredictOptions } from '@mlp/train';
import type { BatchCodec } from '../server/batch-codec.js';
import { type BatcherOptions, DynamicBatcher } from '../server/dynamic-batcher.js';
import { defaultBatching } from '../server/served-model.js';

type Prediction = Awaited<ReturnType<LoadedModel['predict']>>[number];
type ScoringRecords = Parameters<LoadedModel['predict']>[0];

/** A loaded package whose `predict` goes through a dynamic batcher; `close` waits for the queue. */
export interface BatchedRecordsModel extends Pick<LoadedModel, 'predict' | 'signature' | 'manifest'> {
  close(): Promise<void>;
}

// Records are row-independent (preprocessing and model alike): any requests join, and split by count.
const recordsCodec: BatchCodec<ScoringRecords, Prediction[]> = {
  rows: (records) => records.length,
  key: () => 'records',
  join: (requests) => requests.flat(),
  split: (predictions, rowsPerRequest) => {
    const parts: Prediction[][] = [];
    let offset = 0;
    for (const rows of rowsPerRequest) {
      parts.push(predictions.slice(offset, offset + rows));
      offset += rows;
    }
    return parts;
  },
};

/** The error `predict` gives for invalid records, counted within the request (not the joined batch). */
function invalidRecords(predictions: readonly Prediction[]): MlpError | undefined {
  const invalid = predictions.flatMap((prediction, row) =>
    'invalid' in prediction && typeof prediction.invalid === 'string' ? [{ row, reason: prediction.invalid }] : [],
  );
  const [first] = invalid;
  if (!first) return undefined;
  const more = invalid.length > 1 ? ` (and ${invalid.length - 1} more invalid record${invalid.length > 2 ? 's' : ''})` : '';
  return new MlpError('INVALID_ARGUMENT', `Record ${first.row} is invalid: ${first.reason}${more}. Fix those values and send them again.`, {
    details: { row: first.row, invalid: invalid.length },
  });
}

/**
 * Wraps a loaded package so concurrent `/invocations` requests are joined into one `predict` (its
 * preprocessing and one model run), with the model's own queue settings: bounded, timed out, and
 * answered 503 when full, as OIP requests are. Invalid records fail only the request that sent them.
 */
export function batchRecords(model: LoadedModel, settings: BatcherOptions | false, onBatch?: (rows: number) => void): BatchedRecordsModel {
  const options: BatcherOptions = settings === false ? { ...defaultBatching, maxBatchSize: 1, maxConcurrentRuns: 2 } : settings;
  const batcher = new DynamicBatcher<ScoringRecords, Prediction[]>(
    (records) => model.predict(records, { onInvalid: 'null' }),
    options,
    onBatch ? { onBatch } : {},
    recordsCodec,
  );
  return {
    signature: model.signature,
    manifest: model.manifest,
    async predict(records: ScoringRecords, predictOptions: PredictOptions = {}) {
      if (!Array.isArray(records)) return model.predict(records, predictOptions);
      const predictions = await batcher.submit(records);
      if ((predictOptions.onInvalid ?? 'error') === 'error') {
        const error = invalidRecords(predictions);
        if (error) throw error;
      }
      return predictions;
    },
    async close() {
      await batcher.idle();
      await model.close();
    },
  };
}
