import { MlpError } from '@mlp/core';

const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * A TTL as milliseconds: a number of milliseconds, or a duration such as `90m`, `12h`, `30d`, `2w`
 * (units ms, s, m, h, d, w). `0` means no limit: any earlier value counts.
 */
export function parseDuration(value: number | string, what = 'ttl'): number {
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value) && value >= 0) return value;
    throw new MlpError('INVALID_ARGUMENT', `${what} ${value} must be a whole number of milliseconds ≥ 0, or a duration such as '30d'.`);
  }
  const match = /^\s*(\d+)\s*(ms|s|m|h|d|w)\s*$/.exec(value);
  if (!match)
    throw new MlpError(
      'INVALID_ARGUMENT',
      `${what} '${value}' is not a duration: write a number and a unit (ms, s, m, h, d, w), e.g. '30d'.`,
    );
  return Number(match[1]) * (units[match[2] as string] as number);
}
