import type { ModelVersion, RegisteredModel } from '../model.js';

/** MLflow's ModelVersion message as JSON (`model_registry.proto`): version numbers are strings, times epoch ms. */
export function modelVersionJson(version: ModelVersion) {
  return {
    name: version.name,
    version: String(version.version),
    creation_timestamp: version.creationTime,
    last_updated_timestamp: version.lastUpdatedTime,
    user_id: version.userId,
    current_stage: version.currentStage,
    description: version.description,
    source: version.source,
    ...(version.runId ? { run_id: version.runId } : {}),
    status: version.status,
    ...(version.statusMessage ? { status_message: version.statusMessage } : {}),
    tags: Object.entries(version.tags).map(([key, value]) => ({ key, value })),
    aliases: version.aliases,
  };
}

/** MLflow's RegisteredModel message as JSON; `latest_versions` holds the newest version per stage. */
export function registeredModelJson(model: RegisteredModel, latestVersions: readonly ModelVersion[] = []) {
  return {
    name: model.name,
    creation_timestamp: model.creationTime,
    last_updated_timestamp: model.lastUpdatedTime,
    description: model.description,
    latest_versions: latestVersions.map(modelVersionJson),
    tags: Object.entries(model.tags).map(([key, value]) => ({ key, value })),
    aliases: Object.entries(model.aliases).map(([alias, version]) => ({ alias, version: String(version) })),
  };
}
