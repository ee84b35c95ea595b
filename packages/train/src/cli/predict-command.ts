import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { CliCommandModule, CliContext } from '@mlp/cli';
import { MlpError, plural } from '@mlp/core';
import { readTableChunks } from '../data/read-table-chunks.js';
import { loadModel, type ModelRuntime } from '../package/load-model.js';
import type { Prediction } from '../package/package-manifest.js';
import { fetchModelPackage, modelReferenceHelp } from './fetch-model-package.js';

type Program = Parameters<CliCommandModule['register']>[0];

interface PredictFlags {
  runtime: string;
  out?: string;
  onInvalid: string;
  chunkRows: string;
}

const onInvalidChoices = ['error', 'null', 'skip'] as const;
type OnInvalid = (typeof onInvalidChoices)[number];

/** One output line: the 1-based data row (header excluded) and its prediction. */
type PredictionLine = { row: number } & Prediction;

/** Where the predictions go: a JSON-lines file written as they come (renamed into place at the end), or memory for the terminal. */
interface PredictionSink {
  write(lines: readonly PredictionLine[]): Promise<void>;
  finish(): Promise<void>;
  abort(): Promise<void>;
}

export function registerPredictCommand(program: Program, context: CliContext): void {
  program
    .command('predict')
    .description('predict with a model package for every row of a data file (CSV, TSV, Parquet, JSON, JSONL), read and written in chunks')
    .argument('<model>', modelReferenceHelp)
    .argument('<data>', 'the data file; its columns must include the package’s features')
    .option('--runtime <runtime>', 'tfjs or onnx (onnxruntime-node)', 'tfjs')
    .option('--out <file>', 'write the predictions there as JSON lines instead of printing them (memory stays flat)')
    .option(
      '--on-invalid <what>',
      'a row with an invalid value (`abc` for a number), or missing one the model does not impute: error, null (a null prediction with the reason) or skip',
      'error',
    )
    .option('--chunk-rows <n>', 'rows read and predicted at a time', '16384')
    .action(async (reference: string, data: string, flags: PredictFlags) => {
      if (flags.runtime !== 'tfjs' && flags.runtime !== 'onnx')
        throw new MlpError('INVALID_ARGUMENT', `--runtime must be tfjs or onnx, not ${JSON.stringify(flags.runtime)}.`);
      if (!onInvalidChoices.includes(flags.onInvalid as OnInvalid))
        throw new MlpError('INVALID_ARGUMENT', `--on-invalid must be error, null or skip, not ${JSON.stringify(flags.onInvalid)}.`);
      const onInvalid = flags.onInvalid as OnInvalid;
      const chunkRows = Number(flags.chunkRows);
      if (!Number.isSafeInteger(chunkRows) || chunkRows < 1)
        throw new MlpError('INVALID_ARGUMENT', `--chunk-rows must be a whole number ≥ 1, not ${JSON.stringify(flags.chunkRows)}.`);
      const dataFile = path.resolve(context.workspaceDir, data);

      const fetched = await fetchModelPackage(reference, context);
      try {
        const model = await loadModel(fetched.path, { runtime: flags.runtime as ModelRuntime });
        const sink = flags.out ? fileSink(path.resolve(context.workspaceDir, flags.out)) : memorySink(context.options.json ? Infinity : 20);
        try {
          const features = Object.keys((model.signature.inputs.properties as Record<string, unknown> | undefined) ?? {});
          let rows = 0;
          let invalid = 0;
          for await (const table of readTableChunks(dataFile, { columns: features, chunkRows })) {
            const predictions = await model.predictTable(table, { onInvalid: 'null' });
            const lines: PredictionLine[] = [];
            predictions.forEach((prediction, index) => {
              const row = rows + index + 1;
              if (prediction.invalid !== undefined) {
                invalid++;
                if (onInvalid === 'error')
                  throw new MlpError(
                    'INVALID_ARGUMENT',
                    `${dataFile}, row ${row} (1-based, header excluded): ${prediction.invalid}. Fix the row, or pass --on-invalid null (a null prediction with the reason) or --on-invalid skip.`,
                    { details: { row } },
                  );
                if (onInvalid === 'skip') return;
              }
              lines.push({ row, ...prediction });
            });
            await sink.write(lines);
            rows += table.rowCount;
            context.progress(`predicted ${rows} rows with ${model.runtime}${invalid ? ` (${invalid} invalid)` : ''}`);
          }
          await sink.finish();
          const counts = {
            count: rows - (onInvalid === 'skip' ? invalid : 0),
            rows,
            invalid,
            ...(onInvalid === 'skip' ? { skipped: invalid } : {}),
          };
          const invalidNote = invalid
            ? `; ${plural(invalid, 'invalid row')} ${onInvalid === 'skip' ? 'skipped' : `with a null prediction`}`
            : '';
          if (flags.out) {
            context.output(`${plural(counts.count, 'prediction')} written to ${flags.out}${invalidNote}`, { ...counts, out: flags.out });
            return;
          }
          const shown = (sink as ReturnType<typeof memorySink>).lines;
          const withProbabilities = shown.some((line) => line.probabilities);
          context.output(
            {
              columns: ['row', 'prediction', ...(withProbabilities ? ['probabilities'] : [])],
              rows: shown.map((line) => [
                String(line.row),
                line.invalid !== undefined ? `null (${line.invalid})` : String(line.prediction),
                ...(withProbabilities ? [line.probabilities ? JSON.stringify(line.probabilities) : ''] : []),
              ]),
              footer:
                (counts.count > shown.length
                  ? `… ${plural(counts.count - shown.length, 'more row')}; --out FILE gives all`
                  : plural(counts.count, 'row')) + invalidNote,
            },
            { ...counts, predictions: shown },
          );
        } catch (error) {
          await sink.abort();
          throw error;
        } finally {
          await model.close();
        }
      } finally {
        await fetched.cleanup();
      }
    });
}

/** Keeps the first `limit` lines (all of them for `--json` without `--out`). */
function memorySink(limit: number): PredictionSink & { lines: PredictionLine[] } {
  const lines: PredictionLine[] = [];
  return {
    lines,
    async write(batch) {
      for (const line of batch) if (lines.length < limit) lines.push(line);
    },
    finish: async () => {},
    abort: async () => {},
  };
}

/** JSON lines into a temporary sibling, renamed over `file` when every row is written. */
function fileSink(file: string): PredictionSink {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  const stream = createWriteStream(temp);
  const failed = once(stream, 'error').then(([error]) => {
    throw new MlpError('INVALID_ARGUMENT', `Cannot write ${file}: ${(error as Error).message}.`, { cause: error });
  });
  failed.catch(() => {});
  return {
    async write(batch) {
      if (batch.length === 0) return;
      // Backpressure: wait for the stream to drain before the next chunk is predicted.
      if (!stream.write(batch.map((line) => JSON.stringify(line)).join('\n') + '\n')) await Promise.race([once(stream, 'drain'), failed]);
    },
    async finish() {
      stream.end();
      await Promise.race([once(stream, 'finish'), failed]);
      await rename(temp, file);
    },
    async abort() {
      stream.destroy();
      await rm(temp, { force: true });
    },
  };
}
