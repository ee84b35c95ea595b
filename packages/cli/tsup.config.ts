import { defineConfig } from 'tsup';

export default defineConfig({
  // src/bin.ts starts with `#!/usr/bin/env node`: esbuild keeps it and tsup marks dist/bin.js executable.
  entry: { index: 'src/index.ts', bin: 'src/bin.ts' },
  format: ['esm'],
  dts: { entry: { index: 'src/index.ts' } },
  sourcemap: true,
  clean: true,
  target: 'node20',
});
