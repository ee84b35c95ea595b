import { describe, expect, it } from 'vitest';
import { DynamicBatcher } from './dynamic-batcher.js';
import type { HostTensor } from './tensor-spec.js';

/** A model that doubles `x` [N, 2] and holds each run until released, recording batch sizes. */
function heldModel() {
  const runs: number[] = [];
  const releases: (() => void)[] = [];
  const run = async (inputs: HostTensor[]): Promise<HostTensor[]> => {
    const [x] = inputs as [HostTensor];
    runs.push(x.shape[0] as number);
    await new Promise<void>((resolve) => releases.push(resolve));
    return [{ name: 'y', datatype: 'FP32', shape: x.shape, data: Float32Array.from(x.data as Float32Array, (v) => v * 2) }];
  };
  const releaseNext = async () => {
    while (releases.length === 0) await new Promise((resolve) => setImmediate(resolve));
    (releases.shift() as () => void)();
  };
  return { run, runs, releaseNext };
}

const rows = (...values: number[][]): HostTensor[] => [
  { name: 'x', datatype: 'FP32', shape: [values.length, 2], data: Float32Array.from(values.flat()) },
];
const options = { maxBatchSize: 8, maxQueueDelayMs: 0, maxQueueSize: 100, timeoutMs: 60_000, maxConcurrentRuns: 1 };

describe('DynamicBatcher', () => {
  it('runs an idle model at once, gathers what arrives meanwhile into one run, and splits the outputs back', async () => {
    const model = heldModel();
    const batches: number[] = [];
    const batcher = new DynamicBatcher(model.run, options, { onBatch: (size) => batches.push(size) });
    const first = batcher.submit(rows([1, 1]));
    const rest = [batcher.submit(rows([2, 2], [3, 3])), batcher.submit(rows([4, 4])), batcher.submit(rows([5, 5]))];
    await model.releaseNext();
    expect(Array.from((await first)[0]?.data as Float32Array)).toEqual([2, 2]);
    await model.releaseNext();
    const answers = await Promise.all(rest);
    expect(model.runs).toEqual([1, 4]);
    expect(batches).toEqual([1, 4]);
    expect(answers.map((outputs) => ({ shape: outputs[0]?.shape, data: Array.from(outputs[0]?.data as Float32Array) }))).toEqual([
      { shape: [2, 2], data: [4, 4, 6, 6] },
      { shape: [1, 2], data: [8, 8] },
      { shape: [1, 2], data: [10, 10] },
    ]);
  });

  it('never puts more rows in a run than the batch size, nor joins different trailing shapes', async () => {
    const model = heldModel();
    const batcher = new DynamicBatcher(model.run, { ...options, maxBatchSize: 3 });
    const pending = [
      batcher.submit(rows([0, 0])),
      batcher.submit(rows([1, 1], [1, 1])),
      batcher.submit(rows([2, 2], [2, 2])),
      batcher.submit([{ name: 'x', datatype: 'FP32', shape: [1, 3], data: Float32Array.of(1, 2, 3) }]),
      batcher.submit(rows([3, 3])),
    ];
    for (let i = 0; i < 4; i++) await model.releaseNext();
    await Promise.all(pending);
    // First alone (idle), then [2 rows + 1 row] (3), then the 2-row request, then the [1, 3] one alone.
    expect(model.runs).toEqual([1, 3, 2, 1]);
  });

  it('refuses at once with 503 and Retry-After when the queue is full', async () => {
    const model = heldModel();
    const batcher = new DynamicBatcher(model.run, { ...options, maxQueueSize: 2 });
    const running = batcher.submit(rows([1, 1]));
    const queued = [batcher.submit(rows([2, 2])), batcher.submit(rows([3, 3]))];
    await expect(batcher.submit(rows([4, 4]))).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      details: { httpStatus: 503, httpHeaders: { 'retry-after': '1' } },
    });
    await model.releaseNext();
    await model.releaseNext();
    await Promise.all([running, ...queued]);
    await batcher.idle();
    expect(batcher.load).toBe(0);
    const after = batcher.submit(rows([5, 5]));
    await model.releaseNext();
    await expect(after).resolves.toHaveLength(1);
  });

  it('answers 503 when a request outlives its timeout, and the others still get theirs', async () => {
    const model = heldModel();
    const batcher = new DynamicBatcher(model.run, { ...options, timeoutMs: 20 });
    const slow = batcher.submit(rows([1, 1]));
    await expect(slow).rejects.toMatchObject({ code: 'UNAVAILABLE', message: expect.stringMatching(/longer than 20 ms/) });
    await model.releaseNext();
    const next = batcher.submit(rows([2, 2]));
    await model.releaseNext();
    expect(Array.from((await next)[0]?.data as Float32Array)).toEqual([4, 4]);
  });

  it('runs each request alone when the batch fails, so one bad request fails alone', async () => {
    const seen: number[] = [];
    let gate: (() => void) | undefined;
    const started = new Promise<void>((resolve) => {
      gate = resolve;
    });
    const batcher = new DynamicBatcher(async (inputs) => {
      const [x] = inputs as [HostTensor];
      seen.push(x.shape[0] as number);
      if (seen.length === 1) await started;
      if ((x.data as Float32Array).includes(-1)) throw new Error('negative');
      return inputs;
    }, options);
    const first = batcher.submit(rows([0, 0]));
    const good = batcher.submit(rows([1, 1]));
    const bad = batcher.submit(rows([-1, -1]));
    gate?.();
    await first;
    await expect(good).resolves.toHaveLength(1);
    await expect(bad).rejects.toThrow('negative');
    expect(seen).toEqual([1, 2, 1, 1]);
  });

  it('waits up to maxQueueDelayMs for a fuller batch when idle', async () => {
    const model = heldModel();
    const batcher = new DynamicBatcher(model.run, { ...options, maxQueueDelayMs: 60_000, maxBatchSize: 3 });
    const pending = [batcher.submit(rows([1, 1])), batcher.submit(rows([2, 2]))];
    // Two rows wait for the third (the delay is long); the third fills the batch and it runs.
    pending.push(batcher.submit(rows([3, 3])));
    await model.releaseNext();
    await Promise.all(pending);
    expect(model.runs).toEqual([3]);
  });
});
