/** Every event type the registry publishes (payloads carry `name`, and `version` where one applies). */
export const registryEventTypes = [
  'registered_model.created',
  'registered_model.renamed',
  'registered_model.deleted',
  'registered_model.traffic_split_set',
  'model_version.created',
  'model_version.registration_failed',
  'model_version.deleted',
  'model_version.alias_set',
  'model_version.alias_deleted',
  'model_version.stage_transitioned',
  'promotion.decided',
] as const;
export type RegistryEventType = (typeof registryEventTypes)[number];
