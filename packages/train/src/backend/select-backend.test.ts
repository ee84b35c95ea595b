import { MlpError } from '@mlp/core';
import { describe, expect, it } from 'vitest';
import { createBackendSelector, selectBackend } from './select-backend.js';
import { tf } from './tf.js';

/** An importer where the tfjs-node packages are not installed and the rest load for real. */
const withoutTfjsNode = (specifier: string): Promise<unknown> => {
  if (specifier.startsWith('@tensorflow/tfjs-node')) {
    const error = Object.assign(new Error(`Cannot find package '${specifier}' imported from here`), { code: 'ERR_MODULE_NOT_FOUND' });
    return Promise.reject(error);
  }
  return import(specifier);
};

describe('selectBackend', () => {
  it('activates the cpu and wasm backends, and computes the same on both', async () => {
    const sum = () => tf.tidy(() => tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([5, 6, 7, 8], [2, 2])).arraySync());
    expect(await selectBackend('cpu')).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    const onCpu = sum();
    expect(await selectBackend('wasm')).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(sum()).toEqual(onCpu);
    // Repeated and switching calls keep working.
    expect(await selectBackend('wasm')).toBe('wasm');
    expect(await selectBackend('cpu')).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
  });

  it('auto takes the best installed backend: wasm when tfjs-node is absent', async () => {
    const select = createBackendSelector(withoutTfjsNode);
    await selectBackend('cpu');
    expect(await select('auto')).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });

  it('auto prefers tfjs-node when it registers the tensorflow backend', async () => {
    const loaded: string[] = [];
    const select = createBackendSelector(async (specifier) => {
      loaded.push(specifier);
      if (specifier === '@tensorflow/tfjs-node-gpu') return withoutTfjsNode(specifier);
      if (specifier === '@tensorflow/tfjs-node') {
        // A stand-in for tfjs-node: registers 'tensorflow' (here backed by the cpu kernels' backend class).
        const cpu = await import('@tensorflow/tfjs-backend-cpu');
        tf.registerBackend('tensorflow', () => new cpu.MathBackendCPU(), 0);
        return {};
      }
      return import(specifier);
    });
    try {
      expect(await select('auto')).toBe('tensorflow');
      expect(tf.getBackend()).toBe('tensorflow');
      expect(loaded).toEqual(['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']);
    } finally {
      await selectBackend('cpu');
      tf.removeBackend('tensorflow');
    }
  });

  it('a forced backend that is not installed names the package to install', async () => {
    const select = createBackendSelector(withoutTfjsNode);
    for (const [choice, pkg] of [
      ['tensorflow', '@tensorflow/tfjs-node'],
      ['tensorflow-gpu', '@tensorflow/tfjs-node-gpu'],
    ] as const) {
      const error = await select(choice).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(MlpError);
      expect((error as MlpError).code).toBe('FAILED_PRECONDITION');
      expect((error as MlpError).message).toContain(`npm install ${pkg}`);
    }
  });

  it('a tfjs-node that registers on another copy of tfjs-core is reported, not silently used', async () => {
    const select = createBackendSelector(async (specifier) => (specifier.startsWith('@tensorflow/tfjs-node') ? {} : import(specifier)));
    const error = await select('tensorflow').catch((caught: unknown) => caught);
    expect((error as MlpError).code).toBe('FAILED_PRECONDITION');
    expect((error as MlpError).message).toMatch(/different version\? run npm dedupe/);
    expect(await select('auto')).toBe('wasm');
  });
});
