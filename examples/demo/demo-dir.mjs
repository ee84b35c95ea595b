// The demo's workspace folder: kept after the run so its results can be explored, replaced on the next
// run. Only a folder the demo made (it holds the marker) is ever removed; any other must be empty or new.
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const MARKER = '.mlp-demo';

export function prepareDemoDir(dir) {
  if (existsSync(dir)) {
    if (existsSync(path.join(dir, MARKER))) rmSync(dir, { recursive: true, force: true });
    else if (readdirSync(dir).length > 0)
      throw new Error(`${dir} holds files the demo did not make: pass --dir with an empty or new folder.`);
  }
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o755); // under root the embedded server runs as `postgres` and must reach it
  writeFileSync(path.join(dir, MARKER), 'Made by `npm run demo`; the next run replaces this folder.\n');
  return { remove: () => rmSync(dir, { recursive: true, force: true }) };
}
