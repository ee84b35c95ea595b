import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { findUiAssets } from './static-routes.js';

// The built UI (npm run build -w packages/server): what a browser downloads before the first page shows.
describe('the built web UI', () => {
  it('is built, and its initial JavaScript is under 300 KB gzipped', () => {
    const root = findUiAssets();
    expect(root, 'dist/ui is missing: run npm run build -w packages/server').toBeDefined();
    const html = readFileSync(join(root as string, 'index.html'), 'utf8');
    const scripts = [...html.matchAll(/<script[^>]+src="\/assets\/([^"]+)"/g)].map((m) => m[1] as string);
    const preloads = [...html.matchAll(/<link rel="modulepreload"[^>]+href="\/assets\/([^"]+)"/g)].map((m) => m[1] as string);
    expect(scripts.length).toBeGreaterThan(0);
    const gzipped = [...scripts, ...preloads].reduce(
      (sum, file) => sum + gzipSync(readFileSync(join(root as string, 'assets', file))).length,
      0,
    );
    expect(gzipped).toBeLessThan(300 * 1024);
    // No CDN: every script and style comes from the server itself.
    expect(html).not.toMatch(/(src|href)="https?:/);
    expect(readdirSync(join(root as string, 'assets')).some((f) => f.endsWith('.css'))).toBe(true);
  });
});
