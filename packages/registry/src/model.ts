/** The registry's data model, in MLflow's terms with TypeScript names. Times are epoch milliseconds. */

export const versionStatuses = ['PENDING_REGISTRATION', 'READY', 'FAILED_REGISTRATION'] as const;
export type VersionStatus = (typeof versionStatuses)[number];

/** MLflow's legacy stages: a column of each version, independent of aliases (see `stages.ts`). */
export const stages = ['None', 'Staging', 'Production', 'Archived'] as const;
export type Stage = (typeof stages)[number];

export interface RegisteredModel {
  name: string;
  description: string;
  creationTime: number;
  lastUpdatedTime: number;
  tags: Record<string, string>;
  /** Alias → version number. */
  aliases: Record<string, number>;
}

/** One file of a version, as registered: its path inside the version, size and sha256. */
export interface ManifestEntry {
  path: string;
  size: number;
  sha256: string;
}

export interface ModelVersion {
  name: string;
  version: number;
  /** `runs:/<run id>/<path>` or the local folder it was registered from. */
  source: string;
  runId: string | null;
  /** The input/output signature as JSON text, when known. */
  signature: string | null;
  status: VersionStatus;
  statusMessage: string | null;
  description: string;
  userId: string;
  /** sha256 over the sorted manifest; null until READY. */
  contentHash: string | null;
  creationTime: number;
  lastUpdatedTime: number;
  tags: Record<string, string>;
  /** Aliases pointing at this version. */
  aliases: string[];
  /** MLflow's legacy stage, moved only by `transitionStage` (aliases never change it). */
  currentStage: Stage;
}

export interface AuditEntry {
  id: number;
  modelName: string;
  version: number | null;
  /** What happened: `registered_model.created`, `model_version.created`, `promotion.promoted`, `promotion.blocked`, … */
  action: string;
  /** Who: a user name or a token's name. */
  actor: string;
  reason: string | null;
  details: Record<string, unknown>;
  time: number;
}

/** A weighted alias set for A/B serving: deployments split traffic by these weights. */
export interface TrafficSplit {
  name: string;
  weights: Array<{ alias: string; weight: number }>;
  updatedTime: number;
}

export interface RegistryPage<T> {
  items: T[];
  nextPageToken?: string;
}
