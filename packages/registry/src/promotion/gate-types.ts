import type { Run } from '@mlp/tracking';
import type { ModelVersion } from '../model.js';

/** The run tag that says a run's training data passed validation (`true`); written by @mlp/validate or by hand. */
export const validationTag = 'mlp.validation.success';

/** `metrics.<key> <op> <number>` on the candidate's run. */
export interface MetricThresholdGate {
  type: 'metric';
  /** Such as `metrics.auc >= 0.8`. */
  expression: string;
  aliases?: string[];
}

/** The candidate beats the alias's current holder by `margin` on `metric` (no holder: passes). */
export interface BeatsCurrentGate {
  type: 'beats-current';
  metric: string;
  margin?: number;
  /** `higher` (default) when a larger value is better, as for accuracy; `lower` for losses. */
  direction?: 'higher' | 'lower';
  aliases?: string[];
}

/** The candidate's signature matches the alias's current holder (same input and output names and types). */
export interface SignatureCompatibleGate {
  type: 'signature-compatible';
  aliases?: string[];
}

/** The candidate's run carries `mlp.validation.success = true` (or the tag named here). */
export interface DataValidatedGate {
  type: 'data-validated';
  tag?: string;
  aliases?: string[];
}

/** A custom async check, by name: given to `openRegistry({ checks })` or registered as a `promotionCheck` plugin. */
export interface CustomCheckGate {
  type: 'check';
  name: string;
  options?: Record<string, unknown>;
  aliases?: string[];
}

/** A promotion gate, as declared on a model (JSON, stored in the database). `aliases` limits the aliases it guards. */
export type GateSpec = MetricThresholdGate | BeatsCurrentGate | SignatureCompatibleGate | DataValidatedGate | CustomCheckGate;

/** What a gate concluded about one promotion. */
export interface GateOutcome {
  gate: string;
  type: GateSpec['type'];
  passed: boolean;
  message: string;
}

/** What a custom check sees. */
export interface PromotionCheckContext {
  alias: string;
  candidate: ModelVersion;
  candidateRun: Run | undefined;
  current: ModelVersion | undefined;
  currentRun: Run | undefined;
  options: Record<string, unknown>;
  signal?: AbortSignal;
}

/** A custom promotion check: resolves whether the candidate may take the alias, and why. */
export interface PromotionCheck {
  readonly name: string;
  check(context: PromotionCheckContext): Promise<{ passed: boolean; message: string }>;
}

declare module '@mlp/core' {
  interface PluginSlots {
    /** Custom promotion checks that gates of type `check` name. */
    promotionCheck: PromotionCheck;
  }
}
