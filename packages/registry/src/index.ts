/** @deprecated import them from `@mlp/core`, where signed webhook delivery lives. */
export { signatureHeader, signBody, verifySignature } from '@mlp/core';
export { aliasProblem, assertAlias } from './alias-name.js';
export { manifestHash } from './content/manifest.js';
export { migrations as registryMigrations } from './generated/migrations.js';
export type {
  AuditEntry,
  ManifestEntry,
  ModelVersion,
  RegisteredModel,
  RegistryPage,
  Stage,
  TrafficSplit,
  VersionStatus,
} from './model.js';
export { stages, versionStatuses } from './model.js';
export { formatModelUri, type ModelReference, parseModelUri } from './model-uri.js';
export { createRegistry, defaultActor, openRegistry, type Registry, type RegistryOptions } from './open-registry.js';
export { parseGateSpecs } from './promotion/gate-spec.js';
export type {
  BeatsCurrentGate,
  CustomCheckGate,
  DataValidatedGate,
  GateOutcome,
  GateSpec,
  MetricThresholdGate,
  PromotionCheck,
  PromotionCheckContext,
  SignatureCompatibleGate,
} from './promotion/gate-types.js';
export { validationTag } from './promotion/gate-types.js';
export type { PromoteOptions, PromotionDecision } from './promotion/promote.js';
export { registryEnvVariables } from './registry-settings.js';
export { stageAliases } from './stages.js';
export type { AliasChangeOptions } from './store/alias-operations.js';
export type { Lineage } from './store/lineage.js';
export type { CreateModelInput, ListModelsInput } from './store/model-operations.js';
export type { StageTransitionOptions } from './store/stage-operations.js';
export type { SearchVersionsInput } from './store/version-operations.js';
export type { RegisterModelVersionInput } from './versions/register-version.js';
export { type RegistryEventType, registryEventTypes } from './webhooks/registry-events.js';
export type { WebhookDeliveryOptions, WebhookDeliveryWorker } from './webhooks/webhook-delivery.js';
export type { CreateWebhookInput, Webhook, WebhookDelivery } from './webhooks/webhook-store.js';
