import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { DoctorCheck } from './doctor-check.js';

/**
 * Libraries mlp loads lazily for optional backends, with what each enables. Only backends that a
 * shipped package uses: training loads @tensorflow/tfjs-core with its backends, never @tensorflow/tfjs.
 */
export const optionalBackends: readonly { name: string; purpose: string }[] = [
  { name: '@aws-sdk/client-s3', purpose: 'S3 blob store and data remotes' },
  { name: '@aws-sdk/lib-storage', purpose: 'S3 multipart uploads' },
  { name: 'onnxruntime-node', purpose: 'ONNX model runtime' },
  { name: '@tensorflow/tfjs-core', purpose: 'training with TensorFlow.js' },
  { name: '@tensorflow/tfjs-backend-wasm', purpose: 'TensorFlow.js WebAssembly backend' },
  { name: '@tensorflow/tfjs-node', purpose: 'TensorFlow.js native CPU backend' },
  { name: '@tensorflow/tfjs-node-gpu', purpose: 'TensorFlow.js GPU backend' },
  { name: '@duckdb/node-api', purpose: 'DuckDB queries over Parquet and CSV' },
];

export interface InstalledPackage {
  version: string;
  dir: string;
}

/**
 * Finds a package the way Node's resolver walks `node_modules` folders upwards from each start folder,
 * reading only its package.json: nothing is imported, so a broken native addon cannot crash the doctor.
 */
export function findInstalledPackage(name: string, startDirs: readonly string[]): InstalledPackage | undefined {
  for (const start of startDirs) {
    let dir = path.resolve(start);
    for (;;) {
      const packageDir = path.join(dir, 'node_modules', name);
      const manifest = path.join(packageDir, 'package.json');
      if (existsSync(manifest)) {
        try {
          const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version?: unknown };
          return { version: typeof version === 'string' ? version : 'unknown', dir: packageDir };
        } catch {
          return { version: 'unknown', dir: packageDir };
        }
      }
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  return undefined;
}

/** One optional check per backend: installed or not, never a failure. */
export function checkOptionalBackends(startDirs: readonly string[]): DoctorCheck[] {
  return optionalBackends.map(({ name, purpose }) => {
    const found = findInstalledPackage(name, startDirs);
    return found
      ? {
          name,
          ok: true,
          required: false,
          detail: `installed ${found.version} (${purpose})`,
          info: { installed: true, version: found.version },
        }
      : { name, ok: false, required: false, detail: `not installed (${purpose}; npm i ${name} to enable)`, info: { installed: false } };
  });
}
