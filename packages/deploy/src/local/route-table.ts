import { createHash } from 'node:crypto';

/** One upstream model server. */
export interface Backend {
  /** Unique per process (`rev2-0`). */
  readonly id: string;
  readonly url: string;
}

/** The servers of one revision (or A/B variant) and the share of traffic they get. */
export interface RouteGroup {
  revision: number;
  /** The A/B variant's name (its alias), or the revision as a string. */
  variant: string;
  /** Relative weight; groups with 0 get no traffic. */
  weight: number;
  backends: readonly Backend[];
}

/** What the router serves: swapped as a whole, so a switch is atomic between two requests. */
export interface RouteTable {
  readonly groups: readonly RouteGroup[];
}

/** Buckets a sticky key falls into: fine enough for weights in tenths of a percent. */
const stickyBuckets = 10_000;

/** A stable point in [0, 1) for a request key, the same for the same key in every process. */
export function stickyPoint(key: string): number {
  return (createHash('sha1').update(key).digest().readUInt32BE(0) % stickyBuckets) / stickyBuckets;
}

/**
 * The group a request goes to: `point` in [0, 1) (random, or `stickyPoint` of its key) walks the
 * cumulative weights of the groups that can serve. Groups without backends are skipped, so a revision
 * whose servers are gone never gets traffic.
 */
export function pickGroup(table: RouteTable, point: number): RouteGroup | undefined {
  const serving = table.groups.filter((group) => group.weight > 0 && group.backends.length > 0);
  const total = serving.reduce((sum, group) => sum + group.weight, 0);
  if (total <= 0) return undefined;
  let at = point * total;
  for (const group of serving) {
    if (at < group.weight) return group;
    at -= group.weight;
  }
  return serving.at(-1);
}
