import { describe, expect, it } from 'vitest';
import { fromFloat16Bits, toFloat16Bits } from './float16.js';

describe('float16', () => {
  it('encodes exactly representable values to their IEEE 754 half bits and back', () => {
    const cases: [number, number][] = [
      [0, 0x0000],
      [1, 0x3c00],
      [-2, 0xc000],
      [0.5, 0x3800],
      [65504, 0x7bff],
      [2 ** -14, 0x0400],
      [2 ** -24, 0x0001],
      [Number.POSITIVE_INFINITY, 0x7c00],
    ];
    for (const [value, bits] of cases) {
      expect(toFloat16Bits(value)).toBe(bits);
      expect(fromFloat16Bits(bits)).toBe(value);
    }
    expect(Object.is(fromFloat16Bits(toFloat16Bits(-0)), -0)).toBe(true);
    expect(fromFloat16Bits(toFloat16Bits(Number.NaN))).toBeNaN();
  });

  it('rounds to the nearest half, ties to even, and overflows to infinity', () => {
    expect(fromFloat16Bits(toFloat16Bits(0.1))).toBe(0.0999755859375);
    expect(toFloat16Bits(1 + 2 ** -11)).toBe(0x3c00); // tie: stays even
    expect(toFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie: rounds up to even
    expect(toFloat16Bits(70000)).toBe(0x7c00);
    expect(toFloat16Bits(2 ** -26)).toBe(0);
  });
});
