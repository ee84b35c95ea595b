import { enumeration, invalidParameter, requestHint, string } from '@mlp/core/http';
import type { RunStatus, ViewType } from '@mlp/tracking';

// In proto order: the position gives the enum number.
export const runStatus = enumeration<RunStatus>(['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED']);
export const viewType = enumeration<ViewType>(['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL']);

/** The run id of a request that has MLflow's deprecated `run_uuid` alongside `run_id`. */
export function runIdOf(input: { run_id?: string | undefined; run_uuid?: string | undefined }): string {
  const runId = input.run_id || input.run_uuid;
  if (!runId) throw invalidParameter(`Missing value for required parameter 'run_id'.${requestHint}`);
  return runId;
}

export const runIdFields = { run_id: string.optional(), run_uuid: string.optional() };
