import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// A clean install prints only what the user needs: no warning about a project config npm does not
// know, and no install script left unreviewed (onnxruntime-node's CUDA download is denied).
const root = path.resolve(import.meta.dirname, '..', '..');

describe('npm in this repository', () => {
  it('reads no unknown project config and finds every install script reviewed', () => {
    const result = spawnSync('npm', ['install-scripts', 'ls'], { cwd: root, encoding: 'utf8', env: withoutNpmConfig() });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(/npm warn/i);
    expect(result.stdout).toContain('No packages with unreviewed install scripts');
  }, 120_000); // npm reads the whole installed tree
});

/** npm passes its settings to scripts as npm_config_* variables; the child must read the files alone. */
function withoutNpmConfig(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_config_')));
}
