import { ApiError, api } from '../api';
import { useApi } from '../use-api';
import type { Validation } from './section-types';
import { ValidationsTable } from './validations-table';

/**
 * The validations recorded with a run (a pipeline's validate step, `validate(..., { runId })`) and
 * their HTML reports. Nothing when there are none, or when the server does not serve @mlp/validate.
 */
export function RunValidations(props: { runId: string }) {
  const state = useApi(() => api<{ validations: Validation[] }>('validations', { run_id: props.runId }), [props.runId]);
  if (state.error) return state.error instanceof ApiError && state.error.status === 404 ? null : <p class="error">{state.error.message}</p>;
  if (!state.data?.validations.length) return null;
  return (
    <div data-testid="run-validations">
      <h2>Validation results</h2>
      <ValidationsTable validations={state.data.validations} />
    </div>
  );
}
