import { deletePath, getPath, isPlainObject, leafPaths, mergePatch, type StandInObject, sameJson } from './kubernetes-stand-in-objects.js';

/** The leaf paths each field manager owns on one object. */
export type FieldOwners = Map<string, { operation: 'Apply' | 'Update'; paths: string[][] }>;

/** The leaf paths an apply configuration sets (its spec, data, labels and annotations; not its identity). */
export function appliedPaths(applied: StandInObject): string[][] {
  return leafPaths({ ...applied, metadata: { labels: applied.metadata.labels, annotations: applied.metadata.annotations } })
    .filter((path) => !['apiVersion', 'kind'].includes(path[0]!))
    .filter((path) => getPath(applied, path) !== undefined);
}

/**
 * Server-side apply of `applied` by `manager` over `previous`: a field another manager owns with a
 * different value is a conflict unless forced (then it changes owner; a value two managers apply
 * alike is shared); fields this manager applied before and no longer applies are removed unless
 * another manager owns them; lists are atomic. Returns the conflicts, or the merged object.
 */
export function serverSideApply(
  previous: StandInObject,
  applied: StandInObject,
  manager: string,
  force: boolean,
  managers: FieldOwners,
): { conflicts: string[]; next: StandInObject } {
  const paths = appliedPaths(applied);
  const conflicts: string[] = [];
  for (const [other, entry] of managers) {
    if (other === manager) continue;
    const contested = paths.filter(
      (path) => entry.paths.some((own) => sameJson(own, path)) && !sameJson(getPath(previous, path), getPath(applied, path)),
    );
    conflicts.push(...contested.map((path) => `conflict with "${other}": .${path.join('.')}`));
    if (force) {
      entry.paths = entry.paths.filter((own) => !contested.some((path) => sameJson(own, path)));
      if (entry.paths.length === 0) managers.delete(other);
    }
  }
  const next = structuredClone(previous);
  for (const path of managers.get(manager)?.paths ?? []) {
    const stillApplied = paths.some((p) => sameJson(p, path));
    const ownedElsewhere = [...managers].some(([other, entry]) => other !== manager && entry.paths.some((p) => sameJson(p, path)));
    if (!stillApplied && !ownedElsewhere) deletePath(next, path);
  }
  const merged = mergePatch(next, applied) as StandInObject;
  for (const path of paths) {
    const value = getPath(applied, path);
    if (Array.isArray(value)) {
      const parent = getPath(merged, path.slice(0, -1));
      if (isPlainObject(parent)) parent[path[path.length - 1]!] = structuredClone(value);
    }
  }
  return { conflicts: force ? [] : conflicts, next: merged };
}
