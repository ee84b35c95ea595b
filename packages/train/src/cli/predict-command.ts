import type { CliCommandModule, CliContext } from '@mlp/cli';
import { MlpError, writeFileAtomic } from '@mlp/core';
import { readTable } from '../data/read-table.js';
import { tableRecords } from '../data/table-records.js';
import { loadModel, type ModelRuntime } from '../package/load-model.js';

type Program = Parameters<CliCommandModule['register']>[0];

interface PredictFlags {
  runtime: string;
  out?: string;
}

export function registerPredictCommand(program: Program, context: CliContext): void {
  program
    .command('predict')
    .description('predict with a model package (folder or .mlpkg.tgz) for every row of a data file (CSV, TSV, Parquet, JSON, JSONL)')
    .argument('<package>', 'the model package')
    .argument('<data>', 'the data file; its columns must include the package’s features')
    .option('--runtime <runtime>', 'tfjs or onnx (onnxruntime-node)', 'tfjs')
    .option('--out <file>', 'write the predictions there as JSON lines instead of printing them')
    .action(async (packagePath: string, data: string, flags: PredictFlags) => {
      if (flags.runtime !== 'tfjs' && flags.runtime !== 'onnx')
        throw new MlpError('INVALID_ARGUMENT', `--runtime must be tfjs or onnx, not ${JSON.stringify(flags.runtime)}.`);
      const model = await loadModel(packagePath, { runtime: flags.runtime as ModelRuntime });
      try {
        const features = Object.keys((model.signature.inputs.properties as Record<string, unknown> | undefined) ?? {});
        context.progress(`reading ${data}`);
        const records = tableRecords(await readTable(data, { columns: features }));
        context.progress(`predicting ${records.length} rows with ${flags.runtime}`);
        const predictions = await model.predict(records);
        if (flags.out) {
          await writeFileAtomic(
            flags.out,
            predictions.map((prediction) => JSON.stringify(prediction)).join('\n') + (predictions.length ? '\n' : ''),
          );
          context.output(`${predictions.length} predictions written to ${flags.out}`, { count: predictions.length, out: flags.out });
          return;
        }
        context.output(
          {
            columns: ['row', 'prediction', ...(predictions[0]?.probabilities ? ['probabilities'] : [])],
            rows: predictions
              .slice(0, 20)
              .map((prediction, row) => [
                String(row),
                String(prediction.prediction),
                ...(prediction.probabilities ? [JSON.stringify(prediction.probabilities)] : []),
              ]),
            footer:
              predictions.length > 20
                ? `… ${predictions.length - 20} more rows; --json or --out FILE gives all`
                : `${predictions.length} rows`,
          },
          { count: predictions.length, predictions },
        );
      } finally {
        await model.close();
      }
    });
}
