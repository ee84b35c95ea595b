import { readFileSync } from 'node:fs';

/** This package's version, from its package.json (one level up from both src/ and dist/). */
export function trainVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}
