import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { isGoneLocalProcess, processHost } from './owner-liveness.js';
import { newOwnerId } from './start-run.js';

/** The pid of a process that ran and exited (reaped): gone. */
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;

describe('isGoneLocalProcess', () => {
  it('sees an engine of this machine (and pid namespace) whose process exited', () => {
    expect(newOwnerId().startsWith(`${processHost()}:${process.pid}:`)).toBe(true);
    expect(isGoneLocalProcess(`${processHost()}:${deadPid()}:0123abcd`)).toBe(true);
  });

  it('never judges gone this process, a live one, another machine, or an owner it cannot read', () => {
    expect(isGoneLocalProcess(newOwnerId())).toBe(false);
    expect(isGoneLocalProcess(`${processHost()}:${process.ppid}:0123abcd`)).toBe(false);
    expect(isGoneLocalProcess(`another-host-${hostname()}:${deadPid()}:0123abcd`)).toBe(false);
    // The same host name in another pid namespace (a container on host networking): its pids are not ours to judge.
    expect(isGoneLocalProcess(`${hostname()}~1:${deadPid()}:0123abcd`)).toBe(false);
    // A queue worker's lease: its own lease timeout decides.
    expect(isGoneLocalProcess(`worker-4f2a@${processHost()}:${deadPid()}`)).toBe(false);
    expect(isGoneLocalProcess('someone')).toBe(false);
    expect(isGoneLocalProcess(undefined)).toBe(false);
  });
});
