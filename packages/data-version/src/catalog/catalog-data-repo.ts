import type { DataRepo } from '../dvc/data-repo.js';

/**
 * What the catalog needs of the data repository: adding files to the cache, status, checkout and
 * pull to materialise a version, and gc that spares every catalogued version. Any `DataRepo`
 * (openDataRepo) is one.
 */
export type CatalogDataRepo = Pick<DataRepo, 'root' | 'add' | 'status' | 'checkout' | 'pull' | 'gc'>;
