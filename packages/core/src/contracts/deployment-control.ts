/** One revision of a deployment: a model version with its share of traffic. Times are epoch ms. */
export interface DeploymentRevisionView {
  revision: number;
  modelVersion: number;
  /** Percent of traffic, 0–100. */
  weight: number;
  status: string;
  /** The rollout step the revision is at; -1 until its servers are ready. */
  step: number;
  stepStartedTime: number | null;
  analysisRounds: number;
  variant: string | null;
  createdTime: number;
  updatedTime: number;
}

export interface DeploymentView {
  name: string;
  modelName: string;
  alias: string | null;
  status: string;
  endpoint: string | null;
  generation: number;
  createdTime: number;
  updatedTime: number;
  /** The deployment's spec (strategy, steps, target) as stored. */
  spec: unknown;
  revisions: DeploymentRevisionView[];
}

export interface DeploymentHistoryView {
  at: number;
  action: string;
  fromVersion: number | null;
  toVersion: number | null;
  reason: string | null;
  details: Record<string, unknown> | null;
}

/**
 * Reads deployments and rolls one back by hand. Provided by `@mlp/deploy`
 * (`createDeploymentControl`), consumed by `@mlp/server`'s web UI, so the server loads the deploy
 * package (and its model runtimes) only through the CLI's installed modules.
 */
export interface DeploymentControl {
  list(): Promise<DeploymentView[]>;
  /** NOT_FOUND for an unknown name. */
  get(name: string): Promise<DeploymentView>;
  /** Oldest first. */
  history(name: string): Promise<DeploymentHistoryView[]>;
  /** As `mlp deploy rollback`: to the previous stable revision, or `toRevision`. */
  rollback(name: string, options?: { toRevision?: number; reason?: string }): Promise<DeploymentView>;
}
