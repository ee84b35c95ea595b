import { sha256Hex } from '@mlp/core';
import type { ManifestEntry } from '../model.js';

/** Entries sorted by path (code-unit order, the same on every machine). */
export function sortManifest(entries: readonly ManifestEntry[]): ManifestEntry[] {
  return [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * The content hash of a version: sha256 over one `path\tsize\tsha256\n` line per file, sorted by
 * path. Two versions with the same files have the same hash wherever they were registered.
 */
export function manifestHash(entries: readonly ManifestEntry[]): string {
  return sha256Hex(
    sortManifest(entries)
      .map((entry) => `${entry.path}\t${entry.size}\t${entry.sha256}\n`)
      .join(''),
  );
}
