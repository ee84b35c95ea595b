import type { ValidationResultsReader, ValidationSummary } from '@mlp/core';
import { renderHtmlReport } from '../report/html-report.js';
import type { StoredValidation, ValidationStore } from './validation-store.js';

function summaryOf(stored: StoredValidation): ValidationSummary {
  const { statistics, rowCount } = stored.result;
  return {
    validationId: stored.validationId,
    suiteName: stored.suiteName,
    success: stored.success,
    datasetVersion: stored.datasetVersion,
    runId: stored.runId,
    startedAt: stored.startedAt,
    rowCount,
    statistics: {
      evaluated: statistics.evaluated,
      successful: statistics.successful,
      unsuccessful: statistics.unsuccessful,
      successPercent: statistics.successPercent,
    },
  };
}

/** The stored results as core's `ValidationResultsReader` (what `mlp server`'s web UI reads), reports rendered on demand. */
export function validationResultsReader(store: ValidationStore): ValidationResultsReader {
  return {
    async list(filter = {}) {
      return (await store.list(filter)).map(summaryOf);
    },
    async report(validationId) {
      const stored = await store.get(validationId);
      return renderHtmlReport(stored.result, {
        title: `${stored.suiteName}${stored.datasetVersion ? ` on ${stored.datasetVersion}` : ''}`,
      });
    },
  };
}
