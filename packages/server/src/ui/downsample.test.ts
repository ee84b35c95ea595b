import { describe, expect, it } from 'vitest';
import { downsampleMinMax } from './downsample.js';

describe('downsampleMinMax', () => {
  it('returns a small series unchanged', () => {
    const series = { x: [0, 1, 2], y: [3, 1, 2] };
    expect(downsampleMinMax(series, 10)).toBe(series);
  });

  it('keeps every extreme, the first and the last point, in x order, within 4 points a bucket', () => {
    const n = 100_000;
    const x = Array.from({ length: n }, (_, i) => i);
    const y = x.map((i) => Math.sin(i / 500));
    y[12_345] = 50; // a spike
    y[67_890] = -50; // a dip
    const out = downsampleMinMax({ x, y }, 400);
    expect(out.x.length).toBeLessThanOrEqual(1600);
    expect(out.x[0]).toBe(0);
    expect(out.x.at(-1)).toBe(n - 1);
    expect(out.y[out.x.indexOf(12_345)]).toBe(50);
    expect(out.y[out.x.indexOf(67_890)]).toBe(-50);
    for (let i = 1; i < out.x.length; i++) expect(out.x[i]).toBeGreaterThan(out.x[i - 1] as number);
    expect(Math.max(...out.y)).toBe(50);
    expect(Math.min(...out.y)).toBe(-50);
  });

  it('keeps a NaN so the chart shows the gap', () => {
    const x = Array.from({ length: 1000 }, (_, i) => i);
    const y = x.map((i) => (i === 500 ? Number.NaN : i));
    const out = downsampleMinMax({ x, y }, 10);
    expect(out.x).toContain(500);
    expect(Number.isNaN(out.y[out.x.indexOf(500)])).toBe(true);
  });
});
