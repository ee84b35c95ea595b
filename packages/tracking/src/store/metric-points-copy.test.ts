import { describe, expect, it } from 'vitest';
import { PointsDecoder } from './metric-points-copy.js';

/** A binary COPY stream as PostgreSQL sends `step, timestamp, value, is_nan, ctid` rows. */
function copyStream(rows: { step: number; timestamp: number; value: number | null; isNan: boolean; ctid: [number, number] }[]): Buffer {
  const parts: Buffer[] = [Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)];
  for (const row of rows) {
    const int64 = (value: number) => {
      const field = Buffer.alloc(12);
      field.writeInt32BE(8, 0);
      field.writeBigInt64BE(BigInt(value), 4);
      return field;
    };
    const count = Buffer.alloc(2);
    count.writeInt16BE(5);
    const value = Buffer.alloc(row.value === null ? 4 : 12);
    value.writeInt32BE(row.value === null ? -1 : 8);
    if (row.value !== null) value.writeDoubleBE(row.value, 4);
    const isNan = Buffer.from([0, 0, 0, 1, row.isNan ? 1 : 0]);
    const ctid = Buffer.alloc(10);
    ctid.writeInt32BE(6, 0);
    ctid.writeUInt32BE(row.ctid[0], 4);
    ctid.writeUInt16BE(row.ctid[1], 8);
    parts.push(count, int64(row.step), int64(row.timestamp), value, isNan, ctid);
  }
  parts.push(Buffer.from([0xff, 0xff]));
  return Buffer.concat(parts);
}

const rows = [
  { step: -2, timestamp: 2 ** 41, value: 0.5, isNan: false, ctid: [0, 1] as [number, number] },
  { step: 0, timestamp: 2 ** 41 + 1, value: null, isNan: true, ctid: [0, 2] as [number, number] },
  { step: Number.MAX_SAFE_INTEGER, timestamp: 7, value: Number.NEGATIVE_INFINITY, isNan: false, ctid: [70000, 65535] as [number, number] },
];
const expected = [
  { key: 'loss', value: 0.5, timestamp: 2 ** 41, step: -2 },
  { key: 'loss', value: Number.NaN, timestamp: 2 ** 41 + 1, step: 0 },
  { key: 'loss', value: Number.NEGATIVE_INFINITY, timestamp: 7, step: Number.MAX_SAFE_INTEGER },
];

function decode(chunks: Buffer[], pageSize: number) {
  const decoder = new PointsDecoder('loss', pageSize);
  for (const chunk of chunks) decoder.push(chunk);
  return decoder.finish();
}

describe('PointsDecoder', () => {
  const stream = copyStream(rows);

  it('decodes the same points however the stream is cut into chunks', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      expect(decode([stream.subarray(0, cut), stream.subarray(cut)], 10)).toEqual({ points: expected });
    }
    expect(
      decode(
        [...stream].map((byte) => Buffer.from([byte])),
        10,
      ),
    ).toEqual({ points: expected });
  });

  it('stops at the page size and says where the next page starts, by the last point’s ctid', () => {
    expect(decode([stream], 2)).toEqual({
      points: expected.slice(0, 2),
      next: { step: 0, timestamp: 2 ** 41 + 1, ctid: '(0,2)' },
    });
    expect(decode([stream], 3)).toEqual({ points: expected });
  });

  it('refuses a stream cut short, and one that is not binary COPY', () => {
    expect(() => decode([stream.subarray(0, stream.length - 2)], 10)).toThrow(/without its trailer/);
    expect(() => decode([Buffer.from('COPY 3\n'.repeat(4))], 10)).toThrow(/not a PostgreSQL binary COPY/);
  });
});
