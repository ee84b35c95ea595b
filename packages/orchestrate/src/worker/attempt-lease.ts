import type { Workspace } from '@mlp/core';
import type { TaskAssignment } from '../executor/executor.js';

// Lease times come from the database's clock, so workers on machines with skewed clocks agree.
const dbNow = `(extract(epoch from clock_timestamp()) * 1000)::bigint`;

/**
 * Takes the lease on a queued attempt: only while the attempt is running and still the task's
 * current one (its fence). False when it already ended or was superseded: the job is then dropped.
 */
export async function claimAttempt(workspace: Workspace, assignment: TaskAssignment, owner: string, leaseMs: number): Promise<boolean> {
  const rows = await workspace.db.query(
    `UPDATE orchestrate_attempts a SET lease_owner = $3, lease_expires_at = ${dbNow} + $4
       FROM orchestrate_tasks t
      WHERE a.task_id = $1 AND a.attempt = $2 AND a.status = 'running' AND t.task_id = a.task_id AND t.fence = a.attempt
      RETURNING a.task_id`,
    [assignment.taskId, assignment.attempt, owner, leaseMs],
  );
  return rows.length > 0;
}

/** Renews a held lease; false when it is no longer ours (taken over, or the attempt was ended). */
export async function renewAttemptLease(
  workspace: Workspace,
  assignment: TaskAssignment,
  owner: string,
  leaseMs: number,
): Promise<boolean> {
  const rows = await workspace.db.query(
    `UPDATE orchestrate_attempts SET lease_expires_at = ${dbNow} + $4
      WHERE task_id = $1 AND attempt = $2 AND lease_owner = $3 AND status = 'running'
      RETURNING task_id`,
    [assignment.taskId, assignment.attempt, owner, leaseMs],
  );
  return rows.length > 0;
}
