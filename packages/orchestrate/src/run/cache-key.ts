import { sha256Hex, type Workspace } from '@mlp/core';
import type { StepDefinition } from '../pipeline/pipeline-types.js';
import { readRunInputs } from '../store/output-store.js';

/**
 * A task's cache key: the pipeline, the step's name and source, the run's params and the step's
 * inputs. A map item is keyed by its own item, not the whole list: a changed list misses only where it changed.
 */
export async function cacheKeyOf(
  workspace: Workspace,
  runId: string,
  pipelineName: string,
  step: StepDefinition,
  mapIndex: number,
  mapSteps: ReadonlySet<string>,
): Promise<string> {
  const { params, outputs: inputs } = await readRunInputs(workspace, runId, step.needs, mapSteps);
  if (step.over !== undefined) inputs[step.over] = (inputs[step.over] as unknown[] | undefined)?.[mapIndex];
  return sha256Hex(JSON.stringify([pipelineName, step.name, step.source, stableJson(params), stableJson(inputs)]));
}

/** JSON with object keys sorted, so equal values hash equally whatever their key order. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, item) =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  );
}
