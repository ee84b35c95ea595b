import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'blobs/s3/index': 'src/blobs/s3/index.ts',
    'tabular/index': 'src/tabular/index.ts',
    'http/index': 'src/http/index.ts',
    'kubernetes/index': 'src/kubernetes/index.ts',
    'testing/index': 'src/testing/index.ts',
  },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  // vitest is a peer of the testing entry only, DuckDB of the tabular entry only, client-node of the
  // kubernetes entry only; never bundle them.
  external: ['vitest', '@duckdb/node-api', '@kubernetes/client-node'],
});
