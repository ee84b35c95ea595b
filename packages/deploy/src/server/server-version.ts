import { readFileSync } from 'node:fs';

/** @mlp/deploy's version, from its package.json (one level up from both src/ and dist/... two from src/server). */
function readVersion(): string {
  for (const relative of ['../package.json', '../../package.json']) {
    try {
      const manifest = JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (manifest.name === '@mlp/deploy' && manifest.version) return manifest.version;
    } catch {
      // not at this level
    }
  }
  return '0.0.0';
}

export const serverVersion = readVersion();
