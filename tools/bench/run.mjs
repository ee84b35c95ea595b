#!/usr/bin/env node
// Runs every benchmark in tools/bench/ in turn, each in its own process; each prints JSON.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const here = import.meta.dirname;
const only = process.argv[2];
const benches = readdirSync(here).filter((file) => file.endsWith('.mjs') && file !== 'run.mjs' && (!only || file.includes(only)));
let failed = 0;
for (const file of benches) {
  console.error(`\n# ${file}`);
  const result = spawnSync(process.execPath, [path.join(here, file)], { stdio: 'inherit' });
  if (result.status !== 0) failed += 1;
}
process.exit(failed > 0 ? 1 : 0);
