import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    cli: 'src/cli/train-commands.ts',
    // Loaded by file name at run time: the search's workers and the module each trial runs.
    'train-trial': 'src/train-trial.ts',
    'trial-thread-entry': 'src/search/trial-thread-entry.ts',
    'trial-process-entry': 'src/search/trial-process-entry.ts',
    'trial-queue-job': 'src/search/trial-queue-job.ts',
  },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  external: ['@duckdb/node-api', 'onnxruntime-node', /^@tensorflow\//],
});
