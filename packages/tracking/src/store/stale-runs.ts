import type { Database } from '@mlp/core';
import { systemTags } from '../model.js';

/**
 * Marks RUNNING runs whose logging process stopped heartbeating as FAILED, with the reason as a tag.
 * Every reader calls this first, so a crashed run never stays RUNNING for whoever looks next.
 */
export async function failStaleRuns(db: Database, runId?: string): Promise<void> {
  const now = Date.now();
  await db.query(
    `with stale as (
       update tracking_runs set status = 'FAILED', end_time = $1
       where status = 'RUNNING' and heartbeat_time is not null and heartbeat_time + heartbeat_timeout_ms < $1
         and ($2::text is null or run_id = $2)
       returning run_id, heartbeat_time)
     insert into tracking_tags (run_id, key, value)
     select run_id, $3, 'no heartbeat since ' || to_char(to_timestamp(heartbeat_time / 1000.0) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') || ': the logging process died or hung'
     from stale
     on conflict (run_id, key) do update set value = excluded.value`,
    [now, runId ?? null, systemTags.failureReason],
  );
}
