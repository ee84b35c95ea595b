import { closeSync, openSync } from 'node:fs';
import path from 'node:path';
import { assertReachable, canReach, type RunAs } from './run-as.js';

/** How the server process names the files it is given: their paths, plus any handles it inherits. */
export interface ServerReach {
  /** The names to pass on the server's command line, in the order of the targets. */
  paths: string[];
  /** Open handles the child inherits as fd 3, 4, ...: add them to its stdio after the first three. */
  fds: number[];
  /** Closes this process's copies of the handles, once the child has started. */
  close(): void;
}

/**
 * Lets the server's user reach `targets` (the data folder, initdb's password file). By path when it
 * can; when it runs as `postgres` under root and a folder above the workspace is closed to it (a
 * `mktemp -d` folder, mode 0700, as CI runners and containers make), Linux hands it each target as an
 * open handle instead, named `/proc/self/fd/N`: the data stays in `.mlp/db` and no folder's
 * permissions are loosened. Elsewhere the folder must be reachable, and an error says so.
 */
export function reachAsServer(identity: RunAs, targets: readonly string[]): ServerReach {
  const closed = targets.find((target) => !canReach(identity, path.dirname(target)));
  if (closed === undefined) return { paths: [...targets], fds: [], close: () => {} };
  if (process.platform !== 'linux') assertReachable(identity, path.dirname(closed));
  const fds: number[] = [];
  try {
    for (const target of targets) fds.push(openSync(target, 'r'));
  } catch (error) {
    for (const fd of fds) closeSync(fd);
    throw error;
  }
  return {
    paths: fds.map((_, index) => `/proc/self/fd/${3 + index}`),
    fds,
    close: () => {
      for (const fd of fds) closeSync(fd);
    },
  };
}
