import { MlpError } from '@mlp/core';
import { type DatasetProfile, profileColumnData } from '../profile/dataset-profile.js';
import { readColumnData } from '../read/read-column-data.js';
import type { MonitorSpec } from './monitor-spec.js';

/** How a monitor reaches data it does not own: dataset versions and lineage (data-version, registry), through core's contracts. */
export interface MonitorSources {
  /** A dataset reference (`flights@3`, `flights@latest`) as a local file: the `datasetCatalog` service. */
  resolveDataset?: (ref: string) => Promise<string>;
  /**
   * The dataset versions the run behind a model version read (`models:/flights-delay@champion`): the
   * `modelRegistry` service gives the run, the catalog's lineage its inputs.
   */
  trainingData?: (model: string) => Promise<{ model: string; version: number; datasets: string[] }>;
}

/** The reference's description, as results and `show` print it. */
export function describeReference(reference: MonitorSpec['reference']): string {
  if (reference.kind === 'file') return reference.file;
  if (reference.kind === 'dataset') return reference.ref;
  return `training data of ${reference.model}`;
}

function needs(what: string, install: string): MlpError {
  return new MlpError(
    'FAILED_PRECONDITION',
    `The reference ${what} needs ${install} installed beside @mlp/monitor (run it through \`mlp\`).`,
  );
}

/** The file a reference reads: the file itself, a dataset version, or the first dataset the model version trained on. */
export async function referenceFile(
  reference: MonitorSpec['reference'],
  sources: MonitorSources,
): Promise<{ file: string; description: string }> {
  if (reference.kind === 'file') return { file: reference.file, description: reference.file };
  if (reference.kind === 'dataset') {
    if (!sources.resolveDataset) throw needs(reference.ref, '@mlp/data-version');
    return { file: await sources.resolveDataset(reference.ref), description: reference.ref };
  }
  if (!sources.trainingData || !sources.resolveDataset)
    throw needs(`training data of ${reference.model}`, '@mlp/registry and @mlp/data-version');
  const found = await sources.trainingData(reference.model);
  const [dataset] = found.datasets;
  if (!dataset) {
    throw new MlpError(
      'FAILED_PRECONDITION',
      `Version ${found.version} of ${found.model} has no recorded training data (its run recorded no dataset input): give --reference a dataset version or a file.`,
    );
  }
  return {
    file: await sources.resolveDataset(dataset),
    description: `${dataset} (training data of ${found.model} version ${found.version})`,
  };
}

/** Profiles a reference: every column read once (DuckDB), exact where few distinct values, sketched otherwise. */
export async function loadReferenceProfile(
  spec: Pick<MonitorSpec, 'reference' | 'tests'>,
  sources: MonitorSources,
): Promise<{ profile: DatasetProfile; description: string }> {
  const { file, description } = await referenceFile(spec.reference, sources);
  const data = await readColumnData(file, spec.tests.columns ? { columns: spec.tests.columns } : {});
  if (Object.keys(data.columns).length === 0)
    throw new MlpError('INVALID_ARGUMENT', `The reference ${description} has no column a drift test can read.`);
  return { profile: profileColumnData(data.columns), description };
}
