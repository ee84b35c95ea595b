import type { DriftColumnData, DriftColumnKind } from './column-data.js';

/** A test's verdict on one column: its score and whether that score means drift at the threshold. */
export interface DriftTestResult {
  score: number;
  drifted: boolean;
}

/**
 * A drift test: compares a column's reference values with its current ones. Built-in tests follow
 * Evidently's definitions; further tests are plugins in the `driftTest` slot of core's registry.
 */
export interface DriftTest {
  /** The name a column's settings select it by (`ks`, `psi`); Evidently's names for the built-in ones. */
  readonly name: string;
  /** What the score is, for reports (`K-S p_value`). */
  readonly displayName: string;
  /** The column kinds it accepts. */
  readonly kinds: readonly DriftColumnKind[];
  readonly defaultThreshold: number;
  /**
   * The fewest non-null values each side needs for the score to mean anything (default 1); a smaller
   * side gets a per-column problem instead of a score.
   */
  readonly minValues?: number;
  /** `p_value`: drift when the score is below the threshold; `distance`: when at or above it. */
  readonly scoreKind: 'p_value' | 'distance';
  /** Scores a column; both sides hold at least one non-null value and are of a kind the test accepts. */
  test(reference: DriftColumnData, current: DriftColumnData, threshold: number): DriftTestResult;
}

declare module '@mlp/core' {
  interface PluginSlots {
    /** Drift tests beyond the built-in ones, selected per column by name (`@mlp/monitor`). */
    driftTest: DriftTest;
  }
}
