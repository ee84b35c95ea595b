import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { withoutMlpVariables } from '@mlp/cli';

const cliBin = path.resolve(import.meta.dirname, '../../../cli/src/bin.ts');

/** A real `mlp worker` process (from the sources, as the installed CLI runs); its progress lines say what it runs. */
export function spawnWorker(dir: string, url: string) {
  const child = spawn(
    process.execPath,
    ['--conditions=@mlp/source', '--import', 'tsx', cliBin, '-C', dir, 'worker', '--concurrency', '2', '--lease-ms', '1500'],
    { env: { ...withoutMlpVariables(process.env), MLP_DATABASE_URL: url }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const lines: string[] = [];
  const waiters: (() => void)[] = [];
  createInterface({ input: child.stderr }).on('line', (line) => {
    lines.push(line);
    for (const wake of waiters.splice(0)) wake();
  });
  /** Resolves once a line of its stderr matches `pattern`. */
  const next = async (pattern: RegExp) => {
    for (;;) {
      if (lines.some((line) => pattern.test(line))) return;
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  return { child, lines, next };
}
