#!/usr/bin/env node
import { hasJsonFlag, runCli } from './cli.js';
import { loadInstalledModules } from './installed-modules.js';
import { createOutput } from './output.js';

// The published `mlp` command. The exit code is set rather than forced, so pending output is written;
// if a leaked handle would keep the process alive, it still ends shortly after.
const args = process.argv.slice(2);
let finished = false;
process.on('exit', () => {
  if (finished) return;
  // The event loop ran dry while the command still awaited something that can never settle. Without
  // this, Node would exit silently (with 0 once a dependency such as signal-exit has hooked the exit).
  const output = createOutput({ stdout: process.stdout, stderr: process.stderr, json: () => hasJsonFlag(args) });
  output.error({
    code: 'INTERNAL',
    message:
      'The command stopped before finishing: it waited for an operation that never completed. Run again with --log-level debug, and report it.',
  });
  process.exitCode = 70;
});

const exitCode = await runCli(args, { modules: await loadInstalledModules() });
finished = true;
process.exitCode = exitCode;
setTimeout(() => process.exit(exitCode), 2000).unref();
