import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A throwaway workspace: `{ 'package.json': {...}, 'packages/a/src/x.ts': 'source' }` (objects are written as JSON). */
export function makeWorkspace(files: Record<string, string | object>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'mlp-check-'));
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return root;
}

/** Runs one of tools/scripts' checks against `root`: its exit code and what it printed. */
export function runCheck(script: string, root: string): { code: number; output: string } {
  try {
    const output = execFileSync(process.execPath, [path.join(import.meta.dirname, script), root], { encoding: 'utf8', stdio: 'pipe' });
    return { code: 0, output };
  } catch (error) {
    const failure = error as { status: number; stderr: string };
    return { code: failure.status, output: failure.stderr };
  }
}
