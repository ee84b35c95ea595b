const scratch = new DataView(new ArrayBuffer(4));

/** The IEEE 754 half-precision bits nearest to `value` (round to nearest even), as Node 20 has no Float16Array. */
export function toFloat16Bits(value: number): number {
  scratch.setFloat32(0, value);
  const bits = scratch.getUint32(0);
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0); // Inf, NaN
  const half = exponent - 127 + 15;
  if (half >= 0x1f) return sign | 0x7c00; // overflow to infinity
  if (half <= 0) {
    // Subnormal: a multiple of 2^-24, rounded half to even (1024 of them is the smallest normal, as it should be).
    const steps = Math.abs(value) / 2 ** -24;
    let rounded = Math.round(steps);
    if (steps - Math.floor(steps) === 0.5 && rounded % 2 === 1) rounded -= 1;
    return sign | rounded;
  }
  const base = sign | (half << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  // Round to nearest, ties to even; a carry into the exponent is correct (it may reach infinity).
  return rest > 0x1000 || (rest === 0x1000 && (base & 1) === 1) ? base + 1 : base;
}

/** The number that half-precision bits stand for. */
export function fromFloat16Bits(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}
