import { hostname } from 'node:os';

/** An engine's owner id (`host:pid:random`, see newOwnerId) or a queue lease (`worker-…@host:pid`): its host and pid. */
function processOf(owner: string): { host: string; pid: number } | undefined {
  const match = /^(?:worker-[^@]*@)?(.+):(\d+)(?::[0-9a-f]{8})?$/.exec(owner);
  return match ? { host: match[1]!, pid: Number(match[2]) } : undefined;
}

/**
 * Whether `owner` names a process of this machine that no longer exists: its claims and leases need
 * not be waited out (a killed `mlp pipeline run` is seen at once, not a lease timeout later). An owner
 * on another machine, or one whose pid is alive (perhaps reused), is never judged gone here.
 */
export function isGoneLocalProcess(owner: string | undefined): boolean {
  if (!owner) return false;
  const found = processOf(owner);
  if (!found || found.host !== hostname() || found.pid === process.pid) return false;
  try {
    process.kill(found.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
