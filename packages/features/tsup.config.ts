import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    cli: 'src/cli/features-commands.ts',
    server: 'src/server/index.ts',
    testing: 'src/testing/index.ts',
  },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  esbuildOptions(options) {
    options.chunkNames = 'chunk-[hash]';
  },
});
