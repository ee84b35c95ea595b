import { MlpError } from '@mlp/core';
import { invalidParameter, message, string } from '@mlp/core/http';
import { pythonJsonDumps } from './python-json.js';
import { jsonRoute } from './tracking-route.js';

/** The run tag MLflow appends each logged model's summary to (`MLFLOW_LOGGED_MODELS`). */
export const loggedModelsTag = 'mlflow.log-model.history';

const mandatoryFields = ['artifact_path', 'flavors', 'utc_time_created', 'run_id'];

/**
 * What MLflow keeps of a model in the tag (`Model.get_tags_dict`): run id, artifact path, creation
 * time and model uuid in MLmodel's field order, then the flavors without their `config`.
 */
function historyEntry(model: Record<string, unknown>): Record<string, unknown> {
  const flavors = model.flavors;
  if (typeof flavors !== 'object' || flavors === null || Array.isArray(flavors)) {
    throw invalidParameter('Invalid model_json: flavors must be an object mapping each flavor name to its configuration.');
  }
  return {
    run_id: model.run_id,
    artifact_path: model.artifact_path,
    utc_time_created: model.utc_time_created,
    model_uuid: model.model_uuid ?? null,
    flavors: Object.fromEntries(
      Object.entries(flavors).map(([name, config]) => [
        name,
        typeof config === 'object' && config !== null && !Array.isArray(config)
          ? Object.fromEntries(Object.entries(config).filter(([key]) => key !== 'config'))
          : config,
      ]),
    ),
  };
}

/** MLflow's LogModel: records an MLmodel's summary on its run, appending to the run's model history. */
export const logModelRoute = jsonRoute(
  'POST',
  'mlflow/runs/log-model',
  'write',
  message({ run_id: string.required(), model_json: string.required() }),
  async (input, { tracking }) => {
    let model: unknown;
    try {
      model = JSON.parse(input.model_json);
    } catch {
      model = undefined;
    }
    if (typeof model !== 'object' || model === null || Array.isArray(model)) {
      throw invalidParameter(`Malformed model info. \n ${input.model_json} \n is not a valid JSON.`);
    }
    const missing = mandatoryFields.filter((field) => !Object.hasOwn(model, field));
    if (missing.length > 0) {
      throw invalidParameter(`Model json is missing mandatory fields: {${missing.map((field) => `'${field}'`).join(', ')}}`);
    }
    const run = await tracking.getRun(input.run_id);
    const previous = run.tags[loggedModelsTag];
    let history: unknown = [];
    if (previous !== undefined) {
      try {
        history = JSON.parse(previous);
      } catch {
        history = undefined;
      }
    }
    if (!Array.isArray(history)) {
      throw new MlpError(
        'FAILED_PRECONDITION',
        `Run ${run.runId}'s tag ${loggedModelsTag} is not a JSON list, so a model cannot be appended to it: delete the tag or set it to a list.`,
      );
    }
    const value = pythonJsonDumps([...history, historyEntry(model as Record<string, unknown>)]);
    // logBatch refuses deleted runs and tag values over MLflow's limit, as MLflow's _validate_tag does.
    await tracking.logBatch(run.runId, { tags: [{ key: loggedModelsTag, value }] });
    return {};
  },
);
