import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { isGoneLocalProcess } from './owner-liveness.js';
import { newOwnerId } from './start-run.js';

/** The pid of a process that ran and exited (reaped): gone. */
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;

describe('isGoneLocalProcess', () => {
  it('sees an engine or a queue worker of this machine whose process exited', () => {
    const pid = deadPid();
    expect(isGoneLocalProcess(`${hostname()}:${pid}:0123abcd`)).toBe(true);
    expect(isGoneLocalProcess(`worker-4f2a@${hostname()}:${pid}`)).toBe(true);
  });

  it('never judges gone this process, a live one, another machine, or an owner it cannot read', () => {
    expect(isGoneLocalProcess(newOwnerId())).toBe(false);
    expect(isGoneLocalProcess(`${hostname()}:${process.ppid}:0123abcd`)).toBe(false);
    expect(isGoneLocalProcess(`another-host-${hostname()}:${deadPid()}:0123abcd`)).toBe(false);
    expect(isGoneLocalProcess('someone')).toBe(false);
    expect(isGoneLocalProcess(undefined)).toBe(false);
  });
});
