import {
  type DatasetBrowser,
  datasetJson,
  datasetSummaryJson,
  datasetUseJson,
  datasetVersionJson,
  type ValidationResultsReader,
} from '@mlp/core';
import { message, string } from '@mlp/core/http';
import { jsonRoute, type TrackingRoute } from '../../mlflow/tracking-route.js';
import { validationJson } from './validation-json.js';

/** Datasets, their versions with schema summaries and validation results (reports: validation-routes.ts), and the runs that used a version. */
export function datasetRoutes(datasets: DatasetBrowser, validations: ValidationResultsReader | undefined): TrackingRoute[] {
  return [
    jsonRoute('GET', 'ui/datasets', 'read', message({}), async () => ({
      datasets: (await datasets.listDatasets()).map(datasetSummaryJson),
    })),
    jsonRoute('GET', 'ui/datasets/{name}', 'read', message({ name: string.required() }), async (input) => {
      const dataset = await datasets.getDataset(input.name);
      const versions = await datasets.listVersions(input.name, { limit: 1000 });
      return {
        dataset: datasetJson(dataset),
        versions: versions.map(datasetVersionJson),
      };
    }),
    jsonRoute('GET', 'ui/dataset-versions/{ref}', 'read', message({ ref: string.required() }), async (input) => {
      const version = await datasets.getVersion(input.ref);
      const [uses, results] = await Promise.all([
        datasets.lineage.runsOfVersion(version.ref),
        validations ? validations.list({ datasetVersion: version.ref, limit: 100 }) : Promise.resolve(undefined),
      ]);
      return {
        version: datasetVersionJson(version),
        runs: uses.map(datasetUseJson),
        // null: the validate package is not served, so there are no results to show (not "none passed").
        validations: results ? results.map(validationJson) : null,
      };
    }),
  ];
}
