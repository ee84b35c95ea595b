#!/usr/bin/env node
// The `mlp` command npm links at install time. It is committed, not built, so the link exists on a
// fresh clone before `dist/` does; it only loads the built CLI.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/bin.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write(
    'error [FAILED_PRECONDITION]: @mlp/cli is not built yet (no dist/bin.js). Run `npm run build` in the mlp repository, then run mlp again.\n',
  );
  process.exit(1);
}
await import(entry.href);
