import type { ObjectCache } from './object-cache.js';

/** Above this many ids, one listing of the cache beats a stat per id. */
const LIST_THRESHOLD = 512;

/** Which of `ids` the cache holds. */
export async function presentInCache(cache: ObjectCache, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length > LIST_THRESHOLD) {
    const all = new Set<string>();
    for await (const id of cache.list()) all.add(id);
    return new Set(ids.filter((id) => all.has(id)));
  }
  const found = new Set<string>();
  await Promise.all(ids.map(async (id) => void ((await cache.has(id)) && found.add(id))));
  return found;
}
