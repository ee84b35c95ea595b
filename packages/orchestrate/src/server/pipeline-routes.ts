import { type Route, routeBuilder } from '@mlp/core/http';
import { z } from 'zod';
import { runJson } from '../cli/json-shapes.js';
import type { RunSummary } from '../run/run-types.js';
import type { HttpTriggers } from '../trigger/http-triggers.js';

export interface PipelineRoutesOptions {
  /** Rewrites server folders out of the error texts a run carries (the server's own guard for error responses). */
  redact?: (text: string) => string;
}

const { json: route } = routeBuilder<object>();

/** A run's params are small: a larger body is refused before it is read. */
const maxParamsBytes = 1024 * 1024;
const name = z.string().min(1);
const startSchema = z.strictObject({
  name,
  /** The pipeline's params, checked with its schema. */
  params: z.record(z.string(), z.unknown()).optional(),
  /** An idempotency key: a retried call with it finds the run the first call started. */
  trigger_key: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces')
    .optional(),
});
const statusSchema = z.strictObject({ name, run_id: z.string().min(1).max(200) });

/**
 * The HTTP trigger of pipelines, mounted by `mlp server` under `/api/2.0/`:
 * `POST mlp/pipelines/{name}/runs` (write scope) starts a run of a pipeline that declares
 * `{ on: 'http' }`, `GET mlp/pipelines/{name}/runs/{run_id}` (read scope) reports it. Answers carry
 * the run in the shape of `mlp pipeline show --json`.
 */
export function createPipelineRoutes(triggers: HttpTriggers, options: PipelineRoutesOptions = {}): Route[] {
  const redact = options.redact ?? ((text: string) => text);
  const shaped = (run: RunSummary) => {
    const json = runJson(run);
    return {
      ...json,
      error: json.error === null ? null : redact(json.error),
      tasks: json.tasks.map((task) => ({ ...task, error: task.error === null ? null : redact(task.error) })),
    };
  };
  return [
    route(
      'POST',
      'mlp/pipelines/{name}/runs',
      'write',
      startSchema,
      async (input) => {
        const { created, run } = await triggers.start(input.name, input.params ?? {}, input.trigger_key);
        return { created, run: shaped(run) };
      },
      { maxBodyBytes: maxParamsBytes },
    ),
    route('GET', 'mlp/pipelines/{name}/runs/{run_id}', 'read', statusSchema, async (input) => ({
      run: shaped(await triggers.status(input.name, input.run_id)),
    })),
  ];
}
