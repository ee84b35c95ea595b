import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.js';
import { entity } from './entity.js';
import { featureView } from './feature-view.js';
import { onDemandFeatures } from './on-demand-features.js';

const carrier = entity({ name: 'carrier', joinKeys: ['carrier'] });
const view = (overrides: Record<string, unknown> = {}) =>
  featureView({
    name: 'stats',
    entities: [carrier],
    source: { table: 'stats' },
    timestampColumn: 'ts',
    ttl: '1d',
    features: { delay: 'float64' },
    ...overrides,
  });

describe('definitions', () => {
  it('types join keys (string by default) and parses TTLs', () => {
    expect(carrier.joinKeys).toEqual([{ name: 'carrier', type: 'string' }]);
    expect(entity({ name: 'user', joinKeys: { user_id: 'int64' } }).joinKeys).toEqual([{ name: 'user_id', type: 'int64' }]);
    expect(view().ttlMs).toBe(86_400_000);
    expect(parseDuration('90m')).toBe(5_400_000);
    expect(parseDuration(0)).toBe(0);
    expect(() => parseDuration('soon')).toThrow(/not a duration/);
    expect(() => parseDuration(-1)).toThrow(/≥ 0/);
  });

  it('refuses bad names, types, sources and overlaps, naming the problem', () => {
    expect(() => entity({ name: 'Bad Name', joinKeys: ['x'] })).toThrow(/name: must be lower case/);
    expect(() => view({ features: { delay: 'decimal' } })).toThrow(
      /features.delay: must be one of int64, float64, string, bool, timestamp/,
    );
    expect(() => view({ features: {} })).toThrow(/at least one feature/);
    expect(() => view({ features: { carrier: 'string' } })).toThrow(/carrier is a join key or the timestamp column/);
    expect(() => view({ source: { dataset: 'flights' } })).toThrow(/dataset version/);
    expect(() => view({ source: { table: 'x', url: 'mysql://h/db' } })).toThrow(/postgres/);
    expect(() => view({ entities: [{ name: 'fake' }] })).toThrow(/made with entity\(\)/);
    expect(() => view({ name: 'x'.repeat(51) })).toThrow(/at most 50/);
    expect(() => view({ entities: [carrier, entity({ name: 'airline', joinKeys: ['carrier'] })] })).toThrow(
      /join key carrier belongs to two/,
    );
  });

  it('runs on-demand transformations and checks their outputs against the declared types', () => {
    const ratio = onDemandFeatures({
      name: 'ratio',
      sources: [view()],
      request: { seats: 'int64' },
      outputs: { per_seat: 'float64', late: 'bool' },
      transform: (row) => ({ per_seat: (row.delay as number) / (row.seats as number), late: (row.delay as number) > 15 }),
    });
    expect(ratio.apply({ delay: 30, seats: 100 })).toEqual({ per_seat: 0.3, late: true });
    const wrong = onDemandFeatures({ name: 'wrong', sources: [], outputs: { n: 'int64' }, transform: () => ({ n: 'seven' }) });
    expect(() => wrong.apply({})).toThrow(/returned "seven" for n, declared int64/);
    const throws = onDemandFeatures({
      name: 'throws',
      sources: [],
      outputs: { n: 'int64' },
      transform: () => {
        throw new Error('boom');
      },
    });
    expect(() => throws.apply({})).toThrow(/the transformation threw: boom/);
  });
});
