import { randomBytes } from 'node:crypto';

/** Where batches go in the workspace's blob store, unless a log is given another prefix. */
export const defaultPredictionLogPrefix = 'prediction-log';

const hourMs = 3_600_000;

/**
 * A model name as one key segment: percent-encoded, so `/`, `..` and other names that are not a
 * plain segment stay inside their folder, and `.` (a reserved segment) becomes `%2E`.
 */
export function modelSegment(model: string): string {
  const encoded = encodeURIComponent(model).replace(/\./g, '%2E');
  return encoded === '' ? '%00' : encoded;
}

/** The folder of one model's batches whose first entry falls in the hour starting at `hourStart`. */
export function hourFolder(prefix: string, model: string, hourStart: number): string {
  const iso = new Date(hourStart).toISOString();
  return `${prefix}/${modelSegment(model)}/${iso.slice(0, 10)}/${iso.slice(11, 13)}/`;
}

export const startOfHour = (at: number) => Math.floor(at / hourMs) * hourMs;
export { hourMs };

const pad = (ms: number) => String(Math.max(0, Math.trunc(ms))).padStart(15, '0');

/**
 * A batch's key: `<prefix>/<model>/<yyyy-mm-dd>/<hh>/<first>-<last>-<random>.jsonl`, by the hour
 * of its first entry; `first` and `last` (epoch ms, zero-padded) let a reader skip batches outside
 * its window without opening them, and sort a folder in time order.
 */
export function batchKey(prefix: string, model: string, first: number, last: number): string {
  return `${hourFolder(prefix, model, startOfHour(first))}${pad(first)}-${pad(last)}-${randomBytes(6).toString('hex')}.jsonl`;
}

/** The time span a batch key names, or undefined for a key that is not a batch. */
export function batchSpan(key: string): { first: number; last: number } | undefined {
  const name = key.slice(key.lastIndexOf('/') + 1);
  const match = /^(\d{15})-(\d{15})-[0-9a-f]+\.jsonl$/.exec(name);
  if (!match) return undefined;
  return { first: Number(match[1]), last: Number(match[2]) };
}
