import { MlpError } from '@mlp/core';
import type { Experiment, ViewType } from '../model.js';
import type { TrackingStore } from '../store/tracking-store.js';

/**
 * The experiment a user named on the command line, active or deleted. Digits are tried as an id
 * first (ids are what `experiments ls` prints and are unambiguous), then as a name.
 */
export async function resolveExperiment(store: TrackingStore, nameOrId: string): Promise<Experiment> {
  if (/^\d{1,18}$/.test(nameOrId)) {
    try {
      return await store.getExperiment(nameOrId);
    } catch (error) {
      if (!(MlpError.isInstance(error) && error.code === 'NOT_FOUND')) throw error;
    }
  }
  const byName = await store.getExperimentByName(nameOrId);
  if (byName) return byName;
  throw new MlpError(
    'NOT_FOUND',
    `No experiment is named ${JSON.stringify(nameOrId)} or has that id. List them with \`mlp experiments ls --all\`.`,
    { details: { experiment: nameOrId } },
  );
}

/** Every experiment of the view, over as many pages as it takes, by id. */
export async function listAllExperiments(store: TrackingStore, viewType: ViewType): Promise<Experiment[]> {
  const found: Experiment[] = [];
  let pageToken: string | undefined;
  do {
    const page = await store.searchExperiments({ viewType, maxResults: 1000, ...(pageToken ? { pageToken } : {}) });
    found.push(...page.items);
    pageToken = page.nextPageToken;
  } while (pageToken);
  // Listed by id, oldest first; stores answer newest first, as MLflow's experiment search does.
  return found.sort((a, b) => Number(a.experimentId) - Number(b.experimentId));
}
