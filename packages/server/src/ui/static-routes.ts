import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MlpError } from '@mlp/core';
import { rawRoute, type TrackingRoute } from '../mlflow/tracking-route.js';

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
};

/** The UI's top-level sections: each answers with index.html (the page itself routes in the browser). */
export const uiSections = ['experiments', 'runs', 'compare', 'datasets', 'models', 'lineage', 'pipelines', 'deployments', 'monitor'];

/**
 * Where the built UI is: `dist/ui` beside the bundled server (`dist/index.js`), or, running from
 * the TypeScript sources, `../../dist/ui` from here. Undefined when the UI was not built.
 */
export function findUiAssets(): string | undefined {
  const here = fileURLToPath(new URL('.', import.meta.url));
  for (const candidate of [join(here, 'ui'), join(here, '..', '..', 'dist', 'ui')]) {
    if (existsSync(join(candidate, 'index.html'))) return resolve(candidate);
  }
  return undefined;
}

const security = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'content-security-policy':
    "default-src 'self'; img-src 'self' blob: data:; style-src 'self' 'unsafe-inline'; frame-src blob:; object-src 'none'; base-uri 'none'",
};

async function sendFile(res: ServerResponse, file: string, immutable: boolean): Promise<void> {
  const body = await readFile(file);
  res.writeHead(200, {
    ...security,
    'content-type': types[extname(file)] ?? 'application/octet-stream',
    'content-length': body.length,
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  res.end(body);
}

/** The file under `root` for a URL path below `/assets/`; NOT_FOUND for anything that would leave it. */
export function assetFile(root: string, rest: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rest);
  } catch {
    throw new MlpError('NOT_FOUND', 'No such UI asset.');
  }
  const segments = decoded.split(/[/\\]/);
  if (decoded === '' || decoded.includes('\0') || segments.some((s) => s === '..' || s === '.' || s === '')) {
    throw new MlpError('NOT_FOUND', 'No such UI asset.');
  }
  const assets = join(root, 'assets');
  const file = resolve(assets, ...segments);
  if (!file.startsWith(assets + sep)) throw new MlpError('NOT_FOUND', 'No such UI asset.');
  return file;
}

/** `/`, the UI's sections (index.html: the browser routes) and `/assets/*` (hashed names, cached for good). */
export function createStaticRoutes(root: string | undefined): TrackingRoute[] {
  const index = async (res: ServerResponse) => {
    if (!root) {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('The web UI is not built: run `npm run build -w packages/server`.');
      return;
    }
    await sendFile(res, join(root, 'index.html'), false);
  };
  return [
    rawRoute('GET', '', 'public', (_req, res) => index(res)),
    ...uiSections.map((section) => rawRoute('GET', `${section}/{rest...}`, 'public', (_req, res) => index(res))),
    rawRoute('GET', 'assets/{rest...}', 'public', async (_req, res, { params }) => {
      if (!root) throw new MlpError('NOT_FOUND', 'The web UI is not built.');
      const file = assetFile(root, params.rest ?? '');
      const info = await stat(file).catch(() => undefined);
      if (!info?.isFile()) throw new MlpError('NOT_FOUND', 'No such UI asset.');
      await sendFile(res, file, true);
    }),
  ];
}
