import { describe, expect, it } from 'vitest';
import { parseFeatureRef } from './feature-refs.js';

describe('parseFeatureRef', () => {
  it('reads VIEW:f1,f2, VIEW@N:f1 and VIEW', () => {
    expect(parseFeatureRef('driver_stats:rating, trips')).toEqual({
      view: 'driver_stats',
      version: undefined,
      features: ['rating', 'trips'],
    });
    expect(parseFeatureRef('driver_stats@2:rating')).toEqual({ view: 'driver_stats', version: 2, features: ['rating'] });
    expect(parseFeatureRef('driver_stats')).toEqual({ view: 'driver_stats', version: undefined, features: undefined });
  });

  it('refuses what is not a reference, saying how to write one', () => {
    expect(() => parseFeatureRef('Driver Stats')).toThrow(/write VIEW:f1,f2/);
    expect(() => parseFeatureRef('driver_stats:')).toThrow(/names no feature after the colon/);
    expect(() => parseFeatureRef('driver_stats@x:a')).toThrow(/not a feature reference/);
  });
});
