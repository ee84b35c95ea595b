import { mkdir, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import path from 'node:path';
import { withoutMlpVariables } from '@mlp/cli';
import type { Workspace } from '@mlp/core';
import { openRegistry, type Registry } from '@mlp/registry';
import { buildOnnxModel, floatInitializer, OnnxType } from '../../server/test-support/onnx-builder.js';
import type { ServeCommand } from '../deployment-controller.js';

export const cliBin = path.resolve(import.meta.dirname, '../../../../cli/src/bin.ts');

/** `y = x · W + c` on x [batch, 4]: a good model; `scale` makes each version's answers its own. */
export function denseModel(scale: number): Uint8Array {
  return buildOnnxModel({
    inputs: [{ name: 'x', type: OnnxType.FLOAT, shape: ['batch', 4] }],
    outputs: [{ name: 'y', type: OnnxType.FLOAT, shape: ['batch', 2] }],
    initializers: [
      floatInitializer(
        'W',
        [4, 2],
        [0.5, -1, 0.25, 2, -0.75, 1.5, 1, 0.125].map((w) => w * scale),
      ),
      floatInitializer('c', [2], [0.1, -0.2]),
    ],
    nodes: [
      { op: 'MatMul', inputs: ['x', 'W'], outputs: ['xw'] },
      { op: 'Add', inputs: ['xw', 'c'], outputs: ['y'] },
    ],
  });
}

/**
 * A genuinely bad version of the same signature: it looks each input up in a two-entry table, so it
 * loads and warms up (on zeros) but refuses every real row with a value of 2 or more (the server
 * answers 400: onnxruntime's Gather is out of range).
 */
export function refusingModel(): Uint8Array {
  return buildOnnxModel({
    inputs: [{ name: 'x', type: OnnxType.FLOAT, shape: ['batch', 4] }],
    outputs: [{ name: 'y', type: OnnxType.FLOAT, shape: ['batch', 4] }],
    initializers: [floatInitializer('table', [2], [0.25, 0.75])],
    nodes: [
      { op: 'Cast', inputs: ['x'], outputs: ['index'], attributes: [{ name: 'to', int: OnnxType.INT64 }] },
      { op: 'Gather', inputs: ['table', 'index'], outputs: ['y'] },
    ],
  });
}

/** Registers `model` as the next version of `name` (a folder with `model.onnx`) and returns its number. */
export async function registerModel(registry: Registry, dir: string, name: string, model: Uint8Array): Promise<number> {
  const folder = path.join(dir, `${name}-${Date.now()}-${Math.random().toString(16).slice(2)}`);
  await mkdir(folder, { recursive: true });
  await writeFile(path.join(folder, 'model.onnx'), model);
  return (await registry.registerVersion({ name, source: folder })).version;
}

export async function openTestRegistry(workspace: Workspace): Promise<Registry> {
  return openRegistry(workspace, { actor: 'tester' });
}

/** Real `mlp serve` processes from the sources (as the installed CLI runs), on the test's workspace. */
export function cliServeCommand(): ServeCommand {
  return ({ deployment, modelUri, workspaceDir }) => [
    process.execPath,
    '--conditions=@mlp/source',
    '--import',
    'tsx',
    cliBin,
    '-C',
    workspaceDir,
    '--json',
    'serve',
    modelUri,
    '--port',
    '0',
    '--threads',
    '1',
    '--deployment',
    deployment.name,
    '--exit-with-parent',
  ];
}

export function serveEnv(workspace: Workspace): NodeJS.ProcessEnv {
  return { ...withoutMlpVariables(process.env), MLP_DATABASE_URL: workspace.config.database.url, MLP_LOG_LEVEL: 'error' };
}

export interface LoadReport {
  /** Answers by status, per revision that served them (`x-mlp-deployment-revision`; `none` without). */
  byRevision: Record<string, Record<number, number>>;
  /** Requests that got no HTTP answer at all (connection failures). */
  lost: number;
  total: number;
  /** The first few error bodies the router itself answered (no revision header), for the failure message. */
  routerErrors: string[];
}

/**
 * Bounded load: `clients` loops each sending one OIP infer request at a time (a row of values 1–4,
 * which the refusing model cannot look up) until stopped. Counts answers per revision and status.
 */
export function startLoad(url: () => string, clients = 4) {
  const report: LoadReport = { byRevision: {}, lost: 0, total: 0, routerErrors: [] };
  let stopped = false;
  const body = JSON.stringify({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: [1, 2, 3, 4] }] });
  const one = () =>
    new Promise<void>((resolve) => {
      const target = new URL('/v2/models/flights/infer', url());
      const req = request(target, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const revision = String(res.headers['x-mlp-deployment-revision'] ?? 'none');
          if (revision === 'none' && report.routerErrors.length < 5)
            report.routerErrors.push(`${new Date().toISOString()} ${Buffer.concat(chunks).toString()}`);
          const counts = report.byRevision[revision] ?? {};
          report.byRevision[revision] = counts;
          counts[res.statusCode ?? 0] = (counts[res.statusCode ?? 0] ?? 0) + 1;
          report.total++;
          resolve();
        });
      });
      req.on('error', () => {
        report.lost++;
        report.total++;
        resolve();
      });
      req.end(body);
    });
  const loops = Array.from({ length: clients }, async () => {
    while (!stopped) await one();
  });
  return {
    report,
    async stop(): Promise<LoadReport> {
      stopped = true;
      await Promise.all(loops);
      return report;
    },
  };
}

/** Polls `read` until `done` holds (no deadline of its own: the test's timeout bounds it). */
export async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, pauseMs = 100): Promise<T> {
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
}
