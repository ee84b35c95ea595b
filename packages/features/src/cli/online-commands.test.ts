import { describe, expect, it } from 'vitest';
import { parseEntityKey, parseInstant } from './online-commands.js';

describe('mlp features materialize/get arguments', () => {
  it('reads --from/--to as ISO 8601 or epoch milliseconds, and refuses anything else', () => {
    expect(parseInstant('2026-01-31T12:00:00Z', '--to')).toBe(Date.UTC(2026, 0, 31, 12));
    expect(parseInstant('2026-01-31', '--to')).toBe(Date.UTC(2026, 0, 31));
    expect(parseInstant('1700000000000', '--from')).toBe(1_700_000_000_000);
    expect(() => parseInstant('last week', '--from')).toThrow('--from "last week" is not a time');
  });

  it('reads --key as NAME=VALUE pairs separated by commas', () => {
    expect(parseEntityKey('carrier=AA')).toEqual({ carrier: 'AA' });
    expect(parseEntityKey('origin=JFK,hour=7')).toEqual({ origin: 'JFK', hour: '7' });
    expect(parseEntityKey('note=a=b')).toEqual({ note: 'a=b' });
    expect(() => parseEntityKey('AA')).toThrow('is not NAME=VALUE');
    expect(() => parseEntityKey('=AA')).toThrow('is not NAME=VALUE');
  });
});
