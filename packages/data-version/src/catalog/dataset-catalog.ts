import path from 'node:path';
import { currentActor, MlpError, type Workspace } from '@mlp/core';
import { openDataRepo } from '../dvc/data-repo.js';
import type { GcReport } from '../dvc/gc.js';
import { migrations } from '../generated/migrations.js';
import { ingestData } from '../ingest/ingest.js';
import type { IngestOptions, IngestResult } from '../ingest/ingest-options.js';
import type { LineageRecorder } from '../lineage/lineage-recorder.js';
import { createSqlLineageRecorder } from '../lineage/sql-lineage-recorder.js';
import { type OpenTableOptions, openTable, type TableReader } from '../readers/open-table.js';
import type { CatalogDataRepo } from './catalog-data-repo.js';
import type { AddVersionInput, Dataset, DatasetSummary, DatasetVersion } from './catalog-model.js';
import { type CatalogStore, createCatalogStore, type RegisterDatasetVersionInput, type RegisteredVersion } from './catalog-store.js';
import { looksLikeDatasetRef } from './dataset-ref.js';
import { type DescribedData, describeData } from './describe-data.js';
import { type ResolvedVersion, type ResolveOptions, resolveVersion } from './resolve-version.js';

export type CatalogWorkspace = Pick<Workspace, 'db' | 'events' | 'migrate' | 'config' | 'logger'>;

export interface DatasetCatalogOptions {
  /**
   * The data repository versions are added to and resolved from (by `addVersion`, `resolve` and
   * `open(ref)`). By default the one rooted at the workspace folder, opened at first use.
   */
  repo?: CatalogDataRepo | (() => Promise<CatalogDataRepo>);
  /** Who makes changes: `currentActor()` of `@mlp/core` (`MLP_USER`, else the OS user) by default. */
  user?: string;
}

export interface DatasetCatalog {
  /** Records a version whose data is already in the cache; idempotent per root hash. */
  registerVersion(input: Omit<RegisterDatasetVersionInput, 'createdBy'> & { createdBy?: string }): Promise<RegisteredVersion>;
  /** Adds a file or folder to the data repository (hash, cache, `.dvc`) and registers it, with a schema summary for tabular files. */
  addVersion(input: AddVersionInput): Promise<RegisteredVersion>;
  getDataset(name: string): Promise<Dataset>;
  listDatasets(): Promise<DatasetSummary[]>;
  /** Versions of a dataset, newest first. */
  listVersions(dataset: string, options?: { limit?: number }): Promise<DatasetVersion[]>;
  /** The version `flights@3`, `flights@latest`, `flights@train-2026-11` (or `flights`) names. */
  getVersion(ref: string): Promise<DatasetVersion>;
  /** Points a tag at a version, moving it when it pointed elsewhere. */
  tag(ref: string, tag: string): Promise<DatasetVersion>;
  untag(dataset: string, tag: string): Promise<void>;
  setDescription(dataset: string, description: string): Promise<Dataset>;
  /**
   * Removes cache objects that neither a `.dvc` file in the working tree nor any catalogued version
   * uses (older versions live only in the catalog). A dry run unless `dryRun: false`.
   */
  gc(options?: { dryRun?: boolean }): Promise<GcReport>;
  /** The version and a local path holding exactly its bytes, checked out or pulled when needed. */
  resolve(ref: string, options?: ResolveOptions): Promise<ResolvedVersion>;
  /**
   * Brings data in from a file, an HTTP(S) URL, an S3 object or a PostgreSQL query, writes it as CSV or
   * Parquet at `to` and versions it, the source recorded. S3 settings default to the workspace's.
   */
  ingest(options: IngestOptions): Promise<IngestResult>;
  /** Reads a tabular version (by reference) or file (by path) as records or columns. */
  open(refOrPath: string, options?: OpenTableOptions & ResolveOptions): Promise<TableReader>;
  readonly lineage: LineageRecorder;
}

/** Opens the dataset catalog on the workspace database (embedded or PostgreSQL), applying its migrations first. */
export async function openDatasetCatalog(workspace: CatalogWorkspace, options: DatasetCatalogOptions = {}): Promise<DatasetCatalog> {
  await workspace.migrate(migrations);
  const store: CatalogStore = createCatalogStore(workspace.db, workspace.events);
  const lineage = createSqlLineageRecorder(workspace.db);
  const user = currentActor({ actor: options.user });
  let repoPromise: Promise<CatalogDataRepo> | undefined;
  const repo = (): Promise<CatalogDataRepo> => {
    const given = options.repo ?? (() => openDataRepo({ root: workspace.config.dir, logger: workspace.logger }));
    repoPromise ??= typeof given === 'function' ? given() : Promise.resolve(given);
    return repoPromise;
  };

  /** Adds to the repository and registers; `described` skips re-reading a file the caller has just summarised. */
  async function addDescribed(input: AddVersionInput, known?: DescribedData): Promise<RegisteredVersion> {
    const data = await repo();
    const absolute = path.resolve(data.root, input.path);
    const relative = path.relative(data.root, absolute).split(path.sep).join('/');
    // Described before hashing: a tabular file that does not parse is refused before it enters the cache.
    const described = known ?? (await describeData(absolute, input.format));
    const [added] = await data.add([relative]);
    if (!added) throw new MlpError('INTERNAL', `Adding ${relative} to the data repository returned no entry.`);
    return store.registerVersion({
      dataset: input.dataset,
      rootHash: added.md5,
      size: added.size,
      nfiles: added.nfiles ?? 1,
      path: relative,
      format: described.format,
      schema: described.schema,
      source: input.source ?? { kind: 'workspace', uri: relative },
      ...(input.message === undefined ? {} : { message: input.message }),
      ...(input.description === undefined ? {} : { description: input.description }),
      ...(input.tags === undefined ? {} : { tags: input.tags }),
      createdBy: user,
    });
  }

  const catalog: DatasetCatalog = {
    registerVersion: (input) => store.registerVersion({ ...input, createdBy: input.createdBy ?? user }),

    addVersion: (input) => addDescribed(input),

    getDataset: (name) => store.getDataset(name),
    listDatasets: () => store.listDatasets(),
    listVersions: (dataset, listOptions) => store.listVersions(dataset, listOptions),
    getVersion: (ref) => store.getVersion(ref),
    async gc(gcOptions = {}) {
      const keep = await store.rootHashes();
      return (await repo()).gc({ ...gcOptions, keep });
    },
    tag: (ref, tag) => store.tag(ref, tag, user),
    untag: (dataset, tag) => store.untag(dataset, tag),
    setDescription: (dataset, description) => store.setDescription(dataset, description),

    async resolve(ref, resolveOptions) {
      const version = await store.getVersion(ref);
      return resolveVersion(await repo(), version, resolveOptions);
    },

    async ingest(ingestOptions) {
      const { root } = await repo();
      const s3 = { ...workspace.config.blobs.s3, ...ingestOptions.s3 };
      return ingestData({ root, addVersion: addDescribed }, { ...ingestOptions, s3 });
    },

    async open(refOrPath, openOptions = {}) {
      const { remote, ...tableOptions } = openOptions;
      if (!looksLikeDatasetRef(refOrPath)) return openTable(refOrPath, tableOptions);
      const resolved = await catalog.resolve(refOrPath, remote ? { remote } : {});
      const { version } = resolved;
      if (version.nfiles !== 1 || version.rootHash.endsWith('.dir')) {
        throw new MlpError(
          'INVALID_ARGUMENT',
          `${version.ref} is a folder of ${version.nfiles} files; open one of them by path under ${resolved.path}.`,
        );
      }
      const format = tableOptions.format ?? version.format ?? undefined;
      return openTable(resolved.path, { ...tableOptions, ...(format ? { format } : {}) });
    },

    lineage,
  };
  return catalog;
}

/** @deprecated renamed `openDatasetCatalog`: it is async and applies migrations (`create*` factories are synchronous). */
export const createDatasetCatalog = openDatasetCatalog;
