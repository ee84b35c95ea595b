import { createRequire } from 'node:module';
import path from 'node:path';
import { MlpError } from '@mlp/core';
import type { BackendChoice } from '../spec/train-spec.js';
import { tf } from './tf.js';

/** The TensorFlow.js backends @mlp/train can run on, fastest first. */
export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';

const backendNames: readonly BackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

/** The npm package that provides each backend, and the name it registers with tfjs-core. */
const providers: Record<BackendName, { pkg: string; registers: string }> = {
  // Both tfjs-node flavours register the backend 'tensorflow'. They must resolve to the SAME copy of
  // @tensorflow/tfjs-core as @mlp/train (same version, deduplicated by npm); a second copy would get
  // the backend registered on it, invisible to the core we train with (checked below).
  'tensorflow-gpu': { pkg: '@tensorflow/tfjs-node-gpu', registers: 'tensorflow' },
  tensorflow: { pkg: '@tensorflow/tfjs-node', registers: 'tensorflow' },
  wasm: { pkg: '@tensorflow/tfjs-backend-wasm', registers: 'wasm' },
  cpu: { pkg: '@tensorflow/tfjs-backend-cpu', registers: 'cpu' },
};

/** Loads a module by name; injectable so tests can simulate packages that are (not) installed. */
export type ModuleImporter = (specifier: string) => Promise<unknown>;

// A variable specifier: the optional tfjs-node packages are not dependencies, so TypeScript must not resolve them.
const defaultImporter: ModuleImporter = (specifier) => import(specifier);

type LoadOutcome = { ok: true } | { ok: false; missing: boolean; error: unknown };

/**
 * Chooses, loads and activates a backend. `auto` takes the best one installed: tfjs-node-gpu, then
 * tfjs-node, then wasm, then the pure-JavaScript cpu. A forced backend that is not installed is a
 * FAILED_PRECONDITION naming the package to install. Repeated calls are cheap: each package is
 * loaded once, and the active backend is only switched when it differs.
 */
export function createBackendSelector(importModule: ModuleImporter = defaultImporter): (choice: BackendChoice) => Promise<BackendName> {
  const loads = new Map<BackendName, Promise<LoadOutcome>>();
  const load = (name: BackendName): Promise<LoadOutcome> => {
    let outcome = loads.get(name);
    if (!outcome) {
      outcome = loadBackend(name, importModule);
      loads.set(name, outcome);
    }
    return outcome;
  };

  return async (choice) => {
    if (choice !== 'auto' && !backendNames.includes(choice))
      throw new MlpError('INVALID_ARGUMENT', `Unknown backend '${String(choice)}'; use one of auto, ${backendNames.join(', ')}.`);
    const candidates = choice === 'auto' ? backendNames : [choice];
    const failures: string[] = [];
    for (const name of candidates) {
      const outcome = await load(name);
      if (outcome.ok && (await activate(name))) return name;
      const reason = outcome.ok ? 'it failed to initialise' : describe(outcome.error);
      if (choice !== 'auto') {
        const missing = !outcome.ok && outcome.missing;
        throw new MlpError(
          'FAILED_PRECONDITION',
          missing
            ? `The '${name}' backend needs the npm package ${providers[name].pkg}: run \`npm install ${providers[name].pkg}\` (the same version as @tensorflow/tfjs-core ${tf.version_core}), or choose backend 'auto'.`
            : `The '${name}' backend (${providers[name].pkg}) is installed but could not be used: ${reason}. Fix the installation or choose backend 'auto'.`,
          outcome.ok ? {} : { cause: outcome.error },
        );
      }
      failures.push(`${name}: ${reason}`);
    }
    throw new MlpError(
      'FAILED_PRECONDITION',
      `No TensorFlow.js backend could be loaded (${failures.join('; ')}); reinstall @mlp/train's dependencies.`,
    );
  };
}

/** Chooses, loads and activates a TensorFlow.js backend (see `createBackendSelector`). */
export const selectBackend: (choice: BackendChoice) => Promise<BackendName> = createBackendSelector();

async function loadBackend(name: BackendName, importModule: ModuleImporter): Promise<LoadOutcome> {
  const { pkg, registers } = providers[name];
  try {
    const loaded = await importModule(pkg);
    if (name === 'wasm') configureWasm(loaded);
  } catch (error) {
    return { ok: false, missing: isModuleNotFound(error, pkg), error };
  }
  if (!tf.findBackendFactory(registers))
    return {
      ok: false,
      missing: false,
      error: new Error(
        `${pkg} did not register the '${registers}' backend with this copy of @tensorflow/tfjs-core (is it a different version? run npm dedupe)`,
      ),
    };
  return { ok: true };
}

let wasmConfigured = false;

/** In Node the wasm binaries are read from the package's dist/ folder, before the backend first initialises. */
function configureWasm(module: unknown): void {
  if (wasmConfigured) return;
  const { setWasmPaths } = module as { setWasmPaths: (prefix: string) => void };
  const manifest = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json');
  setWasmPaths(`${path.join(path.dirname(manifest), 'dist')}${path.sep}`);
  wasmConfigured = true;
}

async function activate(name: BackendName): Promise<boolean> {
  const key = providers[name].registers;
  if (tf.engine().backendName === key) return true;
  const ok = await tf.setBackend(key).catch(() => false);
  if (ok && key === 'cpu') {
    // The cpu backend prints a "install tfjs-node" banner on first use; selecting it was our choice.
    (tf.engine().backend as { firstUse?: boolean }).firstUse = false;
  }
  return ok;
}

function isModuleNotFound(error: unknown, pkg: string): boolean {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && (message ?? '').includes(pkg);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
