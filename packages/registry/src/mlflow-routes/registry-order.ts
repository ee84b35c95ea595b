import { MlpError } from '@mlp/core';

/** One sort key of a registry search: a field read off each item, and its direction. */
export interface SortKey<T> {
  field: string;
  read: (item: T) => string | number;
  ascending: boolean;
}

const itemPattern = /^\s*(?:(?:attributes?|attr)\.)?(?:`([^`]+)`|([A-Za-z_]\w*))\s*(?:\s(ASC|DESC))?\s*$/i;

/**
 * MLflow's registry `order_by`: `<key> [ASC|DESC]` items over the keys a search allows (several keys
 * may name one field, as `timestamp` and `creation_timestamp`); a field may appear once. `tieBreakers`
 * are appended for the fields the caller left out, as MLflow's SQL store does.
 */
export function parseRegistryOrderBy<T>(
  items: readonly string[],
  fields: Record<string, { field: string; read: (item: T) => string | number }>,
  defaults: readonly string[],
  tieBreakers: readonly string[],
): SortKey<T>[] {
  const keys: SortKey<T>[] = [];
  for (const item of items.length > 0 ? items : defaults) {
    const match = itemPattern.exec(item);
    const name = match?.[1] ?? match?.[2];
    const found = name === undefined ? undefined : Object.hasOwn(fields, name) ? fields[name] : undefined;
    if (!found) {
      throw new MlpError(
        'INVALID_ARGUMENT',
        `Invalid order_by item ${JSON.stringify(item)}: use one of ${Object.keys(fields).join(', ')}, optionally followed by ASC or DESC.`,
      );
    }
    if (keys.some((key) => key.field === found.field)) {
      throw new MlpError('INVALID_ARGUMENT', `order_by contains duplicate fields: ${JSON.stringify(items)}. Give each field once.`);
    }
    keys.push({ ...found, ascending: match?.[3]?.toUpperCase() !== 'DESC' });
  }
  for (const tieBreaker of tieBreakers) {
    const match = /^(\w+) (ASC|DESC)$/.exec(tieBreaker);
    const found = match?.[1] ? fields[match[1]] : undefined;
    if (found && !keys.some((key) => key.field === found.field)) keys.push({ ...found, ascending: match?.[2] === 'ASC' });
  }
  return keys;
}

/** Sorts a copy of `items` by the keys, in order; strings compare by code point, as databases with C collation do. */
export function sortByKeys<T>(items: readonly T[], keys: readonly SortKey<T>[]): T[] {
  return [...items].sort((a, b) => {
    for (const key of keys) {
      const left = key.read(a);
      const right = key.read(b);
      if (left === right) continue;
      const order = left < right ? -1 : 1;
      return key.ascending ? order : -order;
    }
    return 0;
  });
}
