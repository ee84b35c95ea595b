import { createWebhookTargetPolicy, currentActor, MlpError, type Workspace } from '@mlp/core';
import { createTracking, type Tracking } from '@mlp/tracking';
import { migrations } from './generated/migrations.js';
import type { AuditEntry, ModelVersion, RegisteredModel, RegistryPage, Stage, TrafficSplit } from './model.js';
import type { ModelReference } from './model-uri.js';
import { getGates, setGates } from './promotion/gate-store.js';
import type { GateOutcome, GateSpec, PromotionCheck } from './promotion/gate-types.js';
import { checkGates, type PromoteOptions, type PromotionDecision, promote } from './promotion/promote.js';
import { resolveRegistrySettings } from './registry-settings.js';
import * as aliasOps from './store/alias-operations.js';
import { history, type Lineage, lineage } from './store/lineage.js';
import { loadVersions, modelRow } from './store/loaders.js';
import * as modelOps from './store/model-operations.js';
import type { RegistryContext } from './store/registry-context.js';
import * as stageOps from './store/stage-operations.js';
import { getTrafficSplit, setTrafficSplit } from './store/traffic-split.js';
import * as versionOps from './store/version-operations.js';
import { type RegisterModelVersionInput, registerVersion } from './versions/register-version.js';
import { redeliver, startWebhookDelivery, type WebhookDeliveryOptions, type WebhookDeliveryWorker } from './webhooks/webhook-delivery.js';
import * as webhookOps from './webhooks/webhook-store.js';

export interface RegistryOptions {
  /** Where runs and their artifacts are read; `createTracking(workspace)` by default. */
  tracking?: Tracking;
  /** Who acts, for the audit log, when a call names no actor: `currentActor()` of `@mlp/core` (`MLP_USER`, else the OS user) by default. */
  actor?: string;
  /** Custom promotion checks that `check` gates name (besides `promotionCheck` plugins on the workspace). */
  checks?: PromotionCheck[];
  /**
   * Folders on this machine that requests over REST (`mlp server`) may register local model folders
   * from; none by default, so REST callers register runs' artifacts. The SDK and CLI register any
   * folder the calling process can read. Default: `MLP_REGISTRY_SOURCE_FOLDERS`.
   */
  sourceFolders?: string[];
  /**
   * Networks webhooks may target although loopback, private or link-local (CIDRs such as
   * `10.0.0.0/8`, or addresses). None by default. Default: `MLP_REGISTRY_WEBHOOK_ALLOWED_NETWORKS`.
   */
  webhookAllowedNetworks?: string[];
  /** Where `MLP_*` variables are read from; `process.env` by default. */
  env?: Record<string, string | undefined>;
}

type Actor = { actor?: string };

/** The model registry on a workspace. Every change is audited and announced as a durable event in its transaction. */
export interface Registry {
  createModel(input: modelOps.CreateModelInput): Promise<RegisteredModel>;
  getModel(name: string): Promise<RegisteredModel>;
  listModels(input?: modelOps.ListModelsInput): Promise<RegistryPage<RegisteredModel>>;
  updateModel(name: string, input: { description: string } & Actor): Promise<RegisteredModel>;
  renameModel(name: string, newName: string, options?: Actor): Promise<RegisteredModel>;
  deleteModel(name: string, options?: Actor): Promise<void>;
  setModelTag(name: string, key: string, value: string): Promise<void>;
  deleteModelTag(name: string, key: string): Promise<void>;

  /** Copies the bytes into the blob store, hashes them, and returns the READY version. */
  registerVersion(input: RegisterModelVersionInput): Promise<ModelVersion>;
  getVersion(name: string, version: number): Promise<ModelVersion>;
  /** Versions of one model, oldest first. */
  listVersions(name: string): Promise<ModelVersion[]>;
  searchVersions(input?: versionOps.SearchVersionsInput): Promise<ModelVersion[]>;
  updateVersion(name: string, version: number, input: { description: string } & Actor): Promise<ModelVersion>;
  deleteVersion(name: string, version: number, options?: Actor): Promise<void>;
  setVersionTag(name: string, version: number, key: string, value: string): Promise<void>;
  deleteVersionTag(name: string, version: number, key: string): Promise<void>;
  /** `models:/name@alias`, `models:/name/3`, `models:/name/latest` (or `name@alias`) to the version. */
  resolve(reference: string | ModelReference): Promise<ModelVersion>;
  /** The `mlflow-artifacts:` URI of a version's stored files (served by `mlp server`'s artifact proxy). */
  downloadUri(name: string, version: number): Promise<string>;
  /** Downloads a version into `outDir`, verifying every file's hash (FAILED_PRECONDITION names a corrupted file). */
  download(
    reference: string | ModelReference,
    outDir: string,
    onProgress?: (done: number, total: number) => void,
  ): Promise<{ version: ModelVersion; files: number; bytes: number }>;

  /** Points an alias at a version without gates (MLflow's set-alias). */
  setAlias(name: string, alias: string, version: number, options?: aliasOps.AliasChangeOptions): Promise<void>;
  deleteAlias(name: string, alias: string, options?: aliasOps.AliasChangeOptions): Promise<void>;
  /**
   * MLflow's transition-stage: the version's stage, independent of aliases; `archiveExistingVersions`
   * archives the others in that stage. To Production or Staging it is a promotion: the gates guarding
   * `production` or `staging` judge it (FAILED_PRECONDITION when blocked, CONFLICT on a lost race).
   */
  transitionStage(name: string, version: number, stage: Stage, options?: stageOps.StageTransitionOptions): Promise<ModelVersion>;
  /** MLflow's get-latest-versions: the newest version per stage (every stage when none is named), oldest first. */
  latestVersions(name: string, stages?: readonly Stage[]): Promise<ModelVersion[]>;
  setTrafficSplit(
    name: string,
    weights: Record<string, number>,
    options?: aliasOps.AliasChangeOptions & { split?: string },
  ): Promise<TrafficSplit>;
  getTrafficSplit(name: string, split?: string): Promise<TrafficSplit | undefined>;

  setGates(name: string, gates: ReadonlyArray<GateSpec | string>, options?: aliasOps.AliasChangeOptions): Promise<GateSpec[]>;
  getGates(name: string): Promise<GateSpec[]>;
  /** Gate outcomes for a promotion, without moving anything. */
  checkGates(name: string, version: number, alias: string): Promise<GateOutcome[]>;
  /** Evaluates the gates and moves the alias atomically: FAILED_PRECONDITION when blocked, CONFLICT on a lost race. */
  promote(name: string, version: number, options: PromoteOptions): Promise<PromotionDecision>;
  lineage(name: string, version: number): Promise<Lineage>;
  /** The model's audit log, oldest first. */
  history(name: string, options?: { limit?: number; afterId?: number }): Promise<AuditEntry[]>;

  createWebhook(input: webhookOps.CreateWebhookInput): Promise<webhookOps.Webhook & { secret: string }>;
  listWebhooks(): Promise<webhookOps.Webhook[]>;
  deleteWebhook(webhookId: number): Promise<void>;
  listDeliveries(webhookId?: number): Promise<webhookOps.WebhookDelivery[]>;
  redeliver(deliveryId: number): Promise<void>;
  /** Starts sending webhooks from this process (one worker per workspace is enough; more share the work). */
  startWebhookDelivery(options?: WebhookDeliveryOptions): WebhookDeliveryWorker;
  /** Closes what the registry opened itself (the tracking SDK, when not passed in); idempotent. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Who acts when no actor is named.
 * @deprecated use `currentActor({ env })` of `@mlp/core` (`MLP_USER`, then the deprecated `MLP_ACTOR`, then the OS user).
 */
export function defaultActor(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return currentActor({ env });
}

/** Opens the registry on a workspace, applying its migrations. */
export async function openRegistry(workspace: Workspace, options: RegistryOptions = {}): Promise<Registry> {
  await workspace.migrate(migrations);
  // The registry only reads runs and artifacts: no provenance capture, no signal handlers.
  const tracking = options.tracking ?? createTracking(workspace, { captureProvenance: false, handleSignals: false });
  const checks = new Map<string, PromotionCheck>();
  for (const check of options.checks ?? []) {
    if (checks.has(check.name))
      throw new MlpError('ALREADY_EXISTS', `Two promotion checks are named '${check.name}': give each a unique name.`);
    checks.set(check.name, check);
  }
  const env = options.env ?? process.env;
  const settings = resolveRegistrySettings(options, env);
  const context: RegistryContext = {
    workspace,
    tracking,
    actor: currentActor({ actor: options.actor, env }),
    checks,
    sourceFolders: settings.sourceFolders,
    webhookTargets: createWebhookTargetPolicy(
      settings.webhookAllowedNetworks,
      'the registry settings (webhookAllowedNetworks, MLP_REGISTRY_WEBHOOK_ALLOWED_NETWORKS)',
    ),
    now: Date.now,
  };
  const db = workspace.db;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= options.tracking ? Promise.resolve() : tracking.close();
    return closing;
  };

  return {
    createModel: (input) => modelOps.createModel(context, input),
    getModel: (name) => modelOps.getModel(context, name),
    listModels: (input) => modelOps.listModels(context, input),
    updateModel: (name, input) => modelOps.updateModel(context, name, input),
    renameModel: (name, newName, opts) => modelOps.renameModel(context, name, newName, opts?.actor),
    deleteModel: (name, opts) => modelOps.deleteModel(context, name, opts?.actor),
    setModelTag: (name, key, value) => modelOps.setModelTag(context, name, key, value),
    deleteModelTag: (name, key) => modelOps.deleteModelTag(context, name, key),

    registerVersion: (input) => registerVersion(context, input),
    getVersion: (name, version) => versionOps.resolveVersion(context, { name, version }),
    async listVersions(name) {
      await modelRow(db, name);
      return loadVersions(db, 'm.name = $1', [name]);
    },
    searchVersions: (input) => versionOps.searchVersions(context, input),
    updateVersion: (name, version, input) => versionOps.updateVersion(context, name, version, input),
    deleteVersion: (name, version, opts) => versionOps.deleteVersion(context, name, version, opts?.actor),
    setVersionTag: (name, version, key, value) => versionOps.setVersionTag(context, name, version, key, value),
    deleteVersionTag: (name, version, key) => versionOps.deleteVersionTag(context, name, version, key),
    resolve: (reference) => versionOps.resolveVersion(context, reference),
    downloadUri: (name, version) => versionOps.downloadUri(context, name, version),
    download: (reference, outDir, onProgress) => versionOps.downloadVersion(context, reference, outDir, onProgress),

    setAlias: (name, alias, version, opts) => aliasOps.setAlias(context, name, alias, version, opts),
    deleteAlias: (name, alias, opts) => aliasOps.deleteAlias(context, name, alias, opts),
    transitionStage: (name, version, stage, opts) => stageOps.transitionStage(context, name, version, stage, opts),
    latestVersions: (name, stages) => stageOps.latestVersions(context, name, stages),
    setTrafficSplit: (name, weights, opts) => setTrafficSplit(context, name, weights, opts),
    getTrafficSplit: (name, split) => getTrafficSplit(context, name, split),

    setGates: (name, gates, opts) => setGates(context, name, gates, opts),
    getGates: (name) => getGates(context, name),
    checkGates: async (name, version, alias) => (await checkGates(context, name, version, alias)).gates,
    promote: (name, version, opts) => promote(context, name, version, opts),
    lineage: (name, version) => lineage(context, name, version),
    history: (name, opts) => history(context, name, opts),

    createWebhook: (input) => webhookOps.createWebhook(context, input),
    listWebhooks: () => webhookOps.listWebhooks(context),
    deleteWebhook: (webhookId) => webhookOps.deleteWebhook(context, webhookId),
    listDeliveries: (webhookId) => webhookOps.listDeliveries(context, webhookId),
    redeliver: (deliveryId) => redeliver(context, deliveryId),
    startWebhookDelivery: (opts) => startWebhookDelivery(context, opts),
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** @deprecated renamed `openRegistry`: it is async and applies migrations (`create*` is kept for synchronous factories). */
export const createRegistry = openRegistry;
