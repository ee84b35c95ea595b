import type { ValidationResultsReader } from '@mlp/core';
import { int64, message, string } from '@mlp/core/http';
import { jsonRoute, type TrackingRoute } from '../../mlflow/tracking-route.js';
import { validationJson } from './validation-json.js';

/** Stored validation results (@mlp/validate): those of a run or a dataset version, and each one's HTML report. */
export function validationRoutes(validations: ValidationResultsReader): TrackingRoute[] {
  return [
    jsonRoute(
      'GET',
      'ui/validations',
      'read',
      message({ run_id: string.optional(), dataset_version: string.optional(), limit: int64.optional() }),
      async (input) => ({
        validations: (
          await validations.list({
            ...(input.run_id ? { runId: input.run_id } : {}),
            ...(input.dataset_version ? { datasetVersion: input.dataset_version } : {}),
            limit: Math.min(Math.max(input.limit ?? 100, 1), 1000),
          })
        ).map(validationJson),
      }),
    ),
    // The report's HTML as JSON: the UI shows it in a sandboxed iframe (srcdoc), never in the server's origin.
    jsonRoute('GET', 'ui/validations/{validation_id}/report', 'read', message({ validation_id: string.required() }), async (input) => ({
      validation_id: input.validation_id,
      html: await validations.report(input.validation_id),
    })),
  ];
}
