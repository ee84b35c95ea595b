/** One stored validation, without its expectation results. */
export interface ValidationSummary {
  validationId: string;
  suiteName: string;
  success: boolean;
  /** `flights@3` when the validation was of a dataset version. */
  datasetVersion: string | null;
  runId: string | null;
  /** ISO 8601. */
  startedAt: string;
  rowCount: number;
  statistics: { evaluated: number; successful: number; unsuccessful: number; successPercent: number | null };
}

/**
 * Reads stored validation results and renders their HTML reports. Provided by `@mlp/validate`
 * (`validationResultsReader`), consumed by `@mlp/server`'s web UI.
 */
export interface ValidationResultsReader {
  /** Newest first. */
  list(filter?: { datasetVersion?: string; runId?: string; limit?: number }): Promise<ValidationSummary[]>;
  /** The validation's self-contained HTML report; NOT_FOUND for an unknown id. */
  report(validationId: string): Promise<string>;
}
