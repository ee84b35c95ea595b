#!/usr/bin/env node
// Lets `npm test` and `npm run demo` work on a fresh clone: installs dependencies when node_modules
// is missing or older than package-lock.json, and does nothing otherwise.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..');
const marker = path.join(root, 'node_modules', '.package-lock.json');
const lock = path.join(root, 'package-lock.json');
const stale = !existsSync(marker) || statSync(marker).mtimeMs < statSync(lock).mtimeMs;
if (stale) {
  console.error('Installing dependencies (npm ci)…');
  // onnxruntime-node's postinstall would download CUDA libraries; npm 11 skips it (allowScripts in
  // package.json denies it), older npm runs it unless told to skip.
  const env = { ...process.env, ONNXRUNTIME_NODE_INSTALL: process.env.ONNXRUNTIME_NODE_INSTALL ?? 'skip' };
  const install = (command) => spawnSync('npm', [command, '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit', env }).status;
  // npm 11 can reject the lockfile it wrote (npm/cli#9846); `npm install` installs the same locked versions.
  const status = install('ci') === 0 ? 0 : install('install');
  process.exit(status ?? 1);
}
