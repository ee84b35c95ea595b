import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    cli: 'src/cli/pipeline-commands.ts',
    server: 'src/server/index.ts',
    testing: 'src/testing/index.ts',
    // Loaded by file at run time: a child process's entry, and the contract suite's pipeline.
    'child-entry': 'src/executor/local/child-entry.ts',
    'detached-run-entry': 'src/cli/detached-run-entry.ts',
    'contract-pipeline': 'src/testing/contract-pipeline.ts',
  },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  external: ['vitest'],
  // Lazily imported executors are chunks, not entries (the exports check tells entries by name).
  esbuildOptions(options) {
    options.chunkNames = 'chunk-[hash]';
  },
});
