import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { withoutMlpVariables } from '@mlp/cli';

const cliBin = fileURLToPath(new URL('../../../../cli/src/bin.ts', import.meta.url));

export interface MlpProcess {
  child: ChildProcess;
  /** Every line the process wrote on stderr so far (logs, progress). */
  stderr: string[];
  /** Resolves with the first stderr line `match` accepts (rejects if the process exits first). */
  line(match: (line: string) => boolean): Promise<string>;
  /** Resolves when the process exits, with its code and stdout. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }>;
}

/** A real `mlp` process, run from the sources as the installed CLI runs them, on the workspace `dir`. */
export function spawnMlp(dir: string, databaseUrl: string, args: string[]): MlpProcess {
  const child = spawn(process.execPath, ['--conditions=@mlp/source', '--import', 'tsx', cliBin, '-C', dir, ...args], {
    cwd: process.cwd(), // where tsx resolves from; the workspace is -C
    env: { ...withoutMlpVariables(process.env), MLP_DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  const waiters = new Set<() => void>();
  let partial = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    stderr.push(...lines);
    for (const wake of waiters) wake();
  });
  let stdout = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }>((resolve) =>
    child.on('close', (code, signal) => {
      for (const wake of waiters) wake();
      resolve({ code, signal, stdout });
    }),
  );
  const line = (match: (line: string) => boolean) =>
    new Promise<string>((resolve, reject) => {
      const look = () => {
        const found = stderr.find(match);
        if (found !== undefined) {
          waiters.delete(look);
          resolve(found);
        } else if (child.exitCode !== null || child.signalCode !== null) {
          waiters.delete(look);
          reject(new Error(`mlp ${args.join(' ')} exited before the line awaited:\n${stderr.join('\n')}`));
        }
      };
      waiters.add(look);
      look();
    });
  return { child, stderr, line, exited };
}

/** A real `mlp server` on a free port: resolves once it listens, with its URL (from its JSON access log). */
export async function spawnMlpServer(dir: string, databaseUrl: string, args: string[] = []) {
  const server = spawnMlp(dir, databaseUrl, ['server', '--port', '0', ...args]);
  const listening = await server.line((line) => line.includes('mlp server listening'));
  const url = (JSON.parse(listening) as { url: string }).url;
  return { ...server, url };
}
