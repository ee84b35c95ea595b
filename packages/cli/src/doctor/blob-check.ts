import { randomUUID } from 'node:crypto';
import { type BlobStore, openBlobStore, type ResolvedConfig } from '@mlp/core';
import { type DoctorCheck, reason, withTimeout } from './doctor-check.js';

/** The folder of the doctor's probe objects, so a probe left by a crash is easy to recognise. */
export const PROBE_PREFIX = '.mlp-doctor/';

const PROBE_TIMEOUT_MS = 30_000;

/** Writes a small probe object, reads it back, and deletes it, within `timeoutMs`. */
export async function checkBlobStore(
  config: ResolvedConfig,
  options: { timeoutMs?: number; open?: typeof openBlobStore } = {},
): Promise<DoctorCheck> {
  const { timeoutMs = PROBE_TIMEOUT_MS, open = openBlobStore } = options;
  let blobs: BlobStore | undefined;
  let where = config.blobs.url;
  try {
    const store: BlobStore = await open(config.blobs.url, { baseDir: config.dir, s3: config.blobs.s3 });
    blobs = store;
    where = `${store.driver} ${store.location}`;
    const key = `${PROBE_PREFIX}${randomUUID()}`;
    const body = `mlp doctor probe ${new Date().toISOString()}`;
    await withTimeout(store.put(key, body), timeoutMs, 'writing the probe');
    try {
      const read = Buffer.from(await withTimeout(store.getBytes(key), timeoutMs, 'reading the probe back')).toString('utf8');
      if (read !== body) throw new Error(`read back ${read.length} bytes that differ from the ${body.length} written`);
    } finally {
      await withTimeout(store.delete(key), timeoutMs, 'deleting the probe');
    }
    return {
      name: 'blobs',
      ok: true,
      required: true,
      detail: `${where}: wrote, read back and deleted a probe`,
      info: { driver: store.driver, location: store.location },
    };
  } catch (error) {
    return { name: 'blobs', ok: false, required: true, detail: `${where}: ${reason(error)}` };
  } finally {
    await blobs?.close?.().catch(() => {});
  }
}
