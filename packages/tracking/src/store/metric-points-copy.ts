import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import type { Metric } from '../model.js';

/**
 * Metric points travel to and from `tracking_metric_points` in PostgreSQL's binary COPY format:
 * no SQL text to parse per value and no per-row objects in the driver, which is what bulk logging
 * and long history reads are bound by (about 2.5× the rows per second of an INSERT … unnest, and
 * 2× node-pg's row decoding, measured on this project's machines).
 */

export interface PointToWrite {
  seriesId: number;
  step: number;
  timestamp: number;
  value: number;
}

/** A page of points read back, and where the last one sits, so the next page resumes exactly after it. */
export interface PointsRead {
  points: Metric[];
  /** Set when the query returned more rows than the page holds. */
  next?: PointPosition;
}

export interface PointPosition {
  step: number;
  timestamp: number;
  /** The row's physical address: the tie-breaker between points with the same step and timestamp. */
  ctid: string;
}

// "PGCOPY\n\377\r\n\0", then 32-bit flags and header-extension length, both zero.
const SIGNATURE = Buffer.from([0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00]);
const HEADER_LENGTH = SIGNATURE.length + 8;
const TRAILER = -1;
const NULL_FIELD = -1;
const TWO_32 = 2 ** 32;

// Per row: field count, then (length, bytes) for series_id int4, step int8, timestamp int8, value float8, is_nan bool.
const WRITE_ROW_BYTES = 2 + (4 + 4) + (4 + 8) * 3 + (4 + 1);

/** Appends points to `tracking_metric_points` over `client` (inside the caller's transaction). */
export async function copyPointsIn(client: pg.PoolClient, points: readonly PointToWrite[]): Promise<void> {
  const copy = client.query(copyFrom('copy tracking_metric_points (series_id, step, timestamp, value, is_nan) from stdin (format binary)'));
  await pipeline(Readable.from([encodePoints(points)]), copy);
}

export function encodePoints(points: readonly PointToWrite[]): Buffer {
  const buffer = Buffer.allocUnsafe(HEADER_LENGTH + points.length * WRITE_ROW_BYTES + 2);
  SIGNATURE.copy(buffer, 0);
  buffer.fill(0, SIGNATURE.length, HEADER_LENGTH);
  let at = HEADER_LENGTH;
  for (const point of points) {
    const isNan = Number.isNaN(point.value);
    at = buffer.writeInt16BE(5, at);
    at = buffer.writeInt32BE(4, at);
    at = buffer.writeInt32BE(point.seriesId, at);
    at = writeInt64Field(buffer, point.step, at);
    at = writeInt64Field(buffer, point.timestamp, at);
    if (isNan) {
      at = buffer.writeInt32BE(NULL_FIELD, at); // NaN is stored as NULL plus is_nan, as filters expect
    } else {
      at = buffer.writeInt32BE(8, at);
      at = buffer.writeDoubleBE(point.value, at);
    }
    at = buffer.writeInt32BE(1, at);
    at = buffer.writeUInt8(isNan ? 1 : 0, at);
  }
  at = buffer.writeInt16BE(TRAILER, at);
  return buffer.subarray(0, at);
}

/**
 * Reads up to `pageSize` points of metric `key` that `query` selects; it must return exactly the
 * columns `step, timestamp, value, is_nan, ctid` in that order, and one row more than `pageSize` to
 * tell that another page follows. COPY takes no parameters, so `query` may only embed numbers the
 * caller has checked, never user text. Rows are decoded as they arrive, so decoding here overlaps
 * the database producing the rest.
 */
export async function copyPointsOut(client: pg.PoolClient, key: string, query: string, pageSize: number): Promise<PointsRead> {
  const decoder = new PointsDecoder(key, pageSize);
  for await (const chunk of client.query(copyTo(`copy (${query}) to stdout (format binary)`))) decoder.push(chunk as Buffer);
  return decoder.finish();
}

/** Bytes of a row before its value: field count, then step and timestamp (length and 8 bytes each). */
const ROW_HEAD = 2 + 12 + 12;
/** After the value: is_nan (length and 1 byte) and ctid (length and 6 bytes). */
const ROW_TAIL = 5 + 10;

/** Decodes PostgreSQL's binary COPY stream of points chunk by chunk; a row split across chunks waits for the rest. */
export class PointsDecoder {
  readonly points: Metric[] = [];
  private pending: Buffer | undefined;
  private headerRead = false;
  private ended = false;
  private more = false;
  private lastBlock = 0;
  private lastOffset = 0;

  constructor(
    private readonly key: string,
    private readonly pageSize: number,
  ) {}

  push(chunk: Buffer): void {
    if (this.ended) return;
    const buffer = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    // A DataView reads about twice as fast as Buffer's bounds-checked methods in this loop.
    const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    let at = 0;
    if (!this.headerRead) {
      if (buffer.length < HEADER_LENGTH) {
        this.pending = buffer;
        return;
      }
      if (!buffer.subarray(0, SIGNATURE.length).equals(SIGNATURE)) throw new Error('not a PostgreSQL binary COPY stream');
      at = HEADER_LENGTH + view.getUint32(SIGNATURE.length + 4);
      this.headerRead = true;
    }
    while (at + 2 <= buffer.length) {
      if (view.getInt16(at) === TRAILER) {
        this.ended = true;
        break;
      }
      if (at + ROW_HEAD + 4 > buffer.length) break;
      const valueLength = view.getInt32(at + ROW_HEAD);
      const rowLength = ROW_HEAD + 4 + Math.max(valueLength, 0) + ROW_TAIL;
      if (at + rowLength > buffer.length) break;
      if (this.points.length === this.pageSize) {
        this.more = true; // the row past the page: another page follows
        this.ended = true;
        break;
      }
      const step = view.getInt32(at + 6) * TWO_32 + view.getUint32(at + 10);
      const timestamp = view.getInt32(at + 18) * TWO_32 + view.getUint32(at + 22);
      const value = valueLength === NULL_FIELD ? Number.NaN : view.getFloat64(at + ROW_HEAD + 4);
      const tail = at + ROW_HEAD + 4 + Math.max(valueLength, 0);
      const isNan = view.getUint8(tail + 4) === 1;
      // tid: 4-byte block number, 2-byte line pointer.
      this.lastBlock = view.getUint32(tail + 9);
      this.lastOffset = view.getUint16(tail + 13);
      this.points.push({ key: this.key, value: isNan ? Number.NaN : value, timestamp, step });
      at += rowLength;
    }
    this.pending = !this.ended && at < buffer.length ? buffer.subarray(at) : undefined;
  }

  finish(): PointsRead {
    if (!this.ended) throw new Error('the binary COPY stream ended without its trailer');
    const last = this.points.at(-1);
    if (!this.more || !last) return { points: this.points };
    const ctid = `(${this.lastBlock},${this.lastOffset})`; // as PostgreSQL writes a tid
    return { points: this.points, next: { step: last.step, timestamp: last.timestamp, ctid } };
  }
}

// int8 as two 32-bit halves: exact for every safe integer, and faster than going through BigInt.
function writeInt64Field(buffer: Buffer, value: number, at: number): number {
  const high = Math.floor(value / TWO_32);
  buffer.writeInt32BE(8, at);
  buffer.writeInt32BE(high, at + 4);
  return buffer.writeUInt32BE(value - high * TWO_32, at + 8);
}
