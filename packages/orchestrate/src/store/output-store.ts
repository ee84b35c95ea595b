import { type DbExecutor, MlpError, type Workspace } from '@mlp/core';
import { sql } from 'drizzle-orm';

/** Outputs up to this size (as JSON text) live in the database; larger ones in the blob store. */
export const INLINE_OUTPUT_LIMIT = 256 * 1024;

/** An output ready to store: its JSON text, or none when the step returned undefined. */
export interface EncodedOutput {
  kind: 'json' | 'none';
  json: string | undefined;
}

/**
 * Encodes a step's return value as JSON, refusing what JSON would silently change or drop
 * (functions, class instances, NaN, cycles...): the error names the path of the bad value.
 */
export function encodeOutput(value: unknown, where: string): EncodedOutput {
  if (value === undefined) return { kind: 'none', json: undefined };
  checkSerialisable(value, where, 'output', new Set());
  return { kind: 'json', json: JSON.stringify(value) };
}

function checkSerialisable(value: unknown, where: string, path: string, seen: Set<object>): void {
  const fail = (what: string, at = path): never => {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `${where} returned ${what} at ${at}, which JSON cannot hold; return plain objects, arrays, strings, finite numbers, booleans or null (a Date as an ISO string or epoch ms).`,
    );
  };
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) fail(String(value));
    return;
  }
  if (typeof value !== 'object') return void fail(`a ${typeof value}`);
  if (seen.has(value)) fail('a circular reference');
  seen.add(value);
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      if (item === undefined) fail('undefined', `${path}[${index}]`);
      checkSerialisable(item, where, `${path}[${index}]`, seen);
    });
  } else {
    const prototype = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) fail(`a ${value.constructor?.name ?? 'class'} instance`);
    for (const [key, item] of Object.entries(value)) if (item !== undefined) checkSerialisable(item, where, `${path}.${key}`, seen);
  }
  seen.delete(value);
}

/** Blob key of a large output: one per attempt, so a superseded attempt never overwrites the winner's. */
export function outputBlobKey(runId: string, step: string, mapIndex: number, attempt: number): string {
  return `orchestrate/outputs/${runId}/${step}/${mapIndex < 0 ? 'step' : mapIndex}-${attempt}.json`;
}

/**
 * Writes a large output's blob before the transaction that records it (a blob cannot join the
 * transaction; an orphan blob from a crash in between is harmless), returning the column values.
 */
export async function prepareOutput(
  workspace: Workspace,
  encoded: EncodedOutput,
  key: string,
): Promise<{ kind: string; value: string | null; blobKey: string | null; size: number }> {
  if (encoded.kind === 'none' || encoded.json === undefined) return { kind: 'none', value: null, blobKey: null, size: 0 };
  const size = Buffer.byteLength(encoded.json);
  // jsonb cannot hold a NUL character in a string: such an output goes to a blob whatever its size.
  if (size <= INLINE_OUTPUT_LIMIT && !encoded.json.includes('\\u0000')) return { kind: 'json', value: encoded.json, blobKey: null, size };
  await workspace.blobs.put(key, Buffer.from(encoded.json));
  return { kind: 'blob', value: null, blobKey: key, size };
}

interface OutputRow extends Record<string, unknown> {
  step: string;
  map_index: number;
  status: string;
  kind: string | null;
  value: unknown;
  blob_key: string | null;
}

/**
 * The run's params and the outputs of `steps`, by step name, in one round trip: a map step's output is
 * the list of its items' outputs in order; a step that did not succeed has no entry (downstream sees undefined).
 */
export async function readRunInputs(
  workspace: Workspace,
  runId: string,
  steps: readonly string[],
  mapSteps: ReadonlySet<string>,
): Promise<{ params: unknown; outputs: Record<string, unknown> }> {
  const rows = await workspace.db.query<OutputRow & { params: unknown; is_run: boolean }>(
    `select true as is_run, r.params, null as step, null::int as map_index, null as status, null as kind, null::jsonb as value, null as blob_key
       from orchestrate_runs r where r.run_id = $1
     union all
     select false, null, t.step, t.map_index, t.status, o.kind, o.value, o.blob_key
       from orchestrate_tasks t left join orchestrate_outputs o on o.task_id = t.task_id
      where t.run_id = $1 and t.step = any($2::text[])
      order by 1 desc, 3, 4`,
    [runId, steps],
  );
  const run = rows[0];
  if (!run?.is_run) throw new MlpError('NOT_FOUND', `no pipeline run '${runId}'.`);
  const outputs: Record<string, unknown> = {};
  const items = new Map<string, unknown[]>();
  const succeeded = new Set<string>();
  for (const row of rows.slice(1)) {
    if (row.map_index < 0) {
      if (row.status !== 'succeeded') continue;
      succeeded.add(row.step);
      if (!mapSteps.has(row.step)) outputs[row.step] = await decodeOutput(workspace, row);
    } else {
      const list = items.get(row.step) ?? [];
      list.push(await decodeOutput(workspace, row));
      items.set(row.step, list);
    }
  }
  for (const step of mapSteps) if (succeeded.has(step) && steps.includes(step)) outputs[step] = items.get(step) ?? [];
  return { params: run.params, outputs };
}

/** The outputs of `steps` in a run (see readRunInputs). */
export async function readStepOutputs(
  workspace: Workspace,
  runId: string,
  steps: readonly string[],
  mapSteps: ReadonlySet<string>,
): Promise<Record<string, unknown>> {
  return (await readRunInputs(workspace, runId, steps, mapSteps)).outputs;
}

async function decodeOutput(workspace: Workspace, row: { kind: string | null; value: unknown; blob_key: string | null }): Promise<unknown> {
  if (row.kind === 'json') return row.value;
  if (row.kind === 'blob' && row.blob_key) {
    const chunks: Buffer[] = [];
    for await (const chunk of await workspace.blobs.get(row.blob_key)) chunks.push(Buffer.from(chunk));
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  }
  return undefined;
}

/** Copies a cached output (of another task) to `taskId`. */
export async function copyOutput(tx: DbExecutor, fromTaskId: string, taskId: string, runId: string, now: number): Promise<void> {
  await tx.execute(sql`insert into orchestrate_outputs (task_id, run_id, kind, value, blob_key, size, cache_key, created_time)
    select ${taskId}, ${runId}, kind, value, blob_key, size, cache_key, ${now} from orchestrate_outputs where task_id = ${fromTaskId}
    on conflict (task_id) do update set kind = excluded.kind, value = excluded.value, blob_key = excluded.blob_key,
      size = excluded.size, cache_key = excluded.cache_key, created_time = excluded.created_time`);
}

/** The newest output under `cacheKey` no older than `ttlMs`, or undefined. */
export async function findCachedOutput(workspace: Workspace, cacheKey: string, ttlMs: number, now: number): Promise<string | undefined> {
  const oldest = Number.isFinite(ttlMs) ? now - ttlMs : 0;
  const rows = await workspace.db.query<{ task_id: string }>(
    `select o.task_id from orchestrate_outputs o join orchestrate_tasks t on t.task_id = o.task_id
      where o.cache_key = $1 and o.created_time >= $2 and t.status = 'succeeded'
      order by o.created_time desc limit 1`,
    [cacheKey, oldest],
  );
  return rows[0]?.task_id;
}
