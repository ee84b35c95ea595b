import { readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

let host: string | undefined;

/**
 * Where this process's pids mean something: the host name and, on Linux, the pid namespace
 * (`host~4026531836`). Containers that share a host name (host networking) but not their pids are told apart.
 */
export function processHost(): string {
  if (host === undefined) {
    let namespace = '';
    try {
      namespace = /\[(\d+)\]/.exec(readlinkSync('/proc/self/ns/pid'))?.[1] ?? '';
    } catch {
      // Not Linux: the host name alone.
    }
    host = namespace ? `${hostname()}~${namespace}` : hostname();
  }
  return host;
}

/**
 * Whether an engine's owner id (`host:pid:random`, see newOwnerId) names a process of this machine
 * (and pid namespace) that no longer exists: its claims and leases need not be waited out (a killed
 * `mlp pipeline run` is seen at once, not a lease timeout later). An owner elsewhere, one whose pid is
 * alive (perhaps reused), or one this cannot read is never judged gone here: its lease decides.
 */
export function isGoneLocalProcess(owner: string | undefined): boolean {
  const match = owner ? /^(.+):(\d+):[0-9a-f]{8}$/.exec(owner) : null;
  if (!match || match[1] !== processHost()) return false;
  const pid = Number(match[2]);
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
