import { type DatasetResolver, MlpError, type Workspace } from '@mlp/core';
import { and, asc, desc, eq } from 'drizzle-orm';
import { migrations } from '../generated/migrations.js';
import { entities, onDemand, views } from '../store/schema.js';
import { type ApplyOptions, type ApplyResult, applyDefinitions } from './apply-definitions.js';
import type { FeatureRegistry, ResolvedEntity } from './resolved-view.js';
import { resolvedView, type StoredOnDemand } from './stored-definition.js';

/** On-demand features as `apply` recorded them (the transformation itself stays in code). */
export interface ResolvedOnDemandFeatures extends StoredOnDemand {
  name: string;
  version: number;
  createdAt: number;
}

/** The registry and `apply`, on the workspace database. */
export interface FeatureRegistryStore extends FeatureRegistry {
  /** Records definitions (entities, views, on-demand features; a view's entities come along). */
  apply(definitions: readonly unknown[], options?: ApplyOptions): Promise<ApplyResult>;
  listOnDemand(): Promise<ResolvedOnDemandFeatures[]>;
}

export interface FeatureRegistryOptions {
  /** Resolves dataset-version sources (`flights@3`): `@mlp/data-version`'s catalog. */
  datasets?: DatasetResolver;
}

async function unknownView(db: Workspace['db'], name: string, version?: number): Promise<never> {
  const known = await db.drizzle.selectDistinct({ name: views.name }).from(views).orderBy(asc(views.name));
  if (version !== undefined && known.some((row) => row.name === name)) {
    throw new MlpError('NOT_FOUND', `Feature view ${name} has no version ${version}: see \`mlp features show ${name}\` for its versions.`);
  }
  const list = known.map((row) => row.name).join(', ');
  throw new MlpError(
    'NOT_FOUND',
    `No feature view ${name}${list ? `; the applied views are: ${list}` : ': none is applied yet'}. Apply it with \`mlp features apply FILE\`.`,
    {
      details: { view: name },
    },
  );
}

/** Opens the feature registry on the workspace, applying the package's migrations first. */
export async function openFeatureRegistry(
  workspace: Pick<Workspace, 'db' | 'events' | 'migrate'>,
  options: FeatureRegistryOptions = {},
): Promise<FeatureRegistryStore> {
  await workspace.migrate(migrations);
  const db = workspace.db;
  const latestEntities = () =>
    db.drizzle.selectDistinctOn([entities.name]).from(entities).orderBy(asc(entities.name), desc(entities.version));
  const toEntity = (row: typeof entities.$inferSelect): ResolvedEntity => ({
    name: row.name,
    joinKeys: row.joinKeys as ResolvedEntity['joinKeys'],
    description: row.description,
  });
  return {
    apply: (definitions, applyOptions = {}) => applyDefinitions(workspace, definitions, { ...applyOptions, datasets: options.datasets }),
    async getView(name, version) {
      const [row] = await db.drizzle
        .select()
        .from(views)
        .where(version === undefined ? eq(views.name, name) : and(eq(views.name, name), eq(views.version, version)))
        .orderBy(desc(views.version))
        .limit(1);
      return row ? resolvedView(row) : unknownView(db, name, version);
    },
    async listViews() {
      const rows = await db.drizzle.selectDistinctOn([views.name]).from(views).orderBy(asc(views.name), desc(views.version));
      return rows.map(resolvedView);
    },
    async listVersions(name) {
      const rows = await db.drizzle.select().from(views).where(eq(views.name, name)).orderBy(asc(views.version));
      return rows.length > 0 ? rows.map(resolvedView) : unknownView(db, name);
    },
    async getEntity(name) {
      const [row] = await db.drizzle.select().from(entities).where(eq(entities.name, name)).orderBy(desc(entities.version)).limit(1);
      if (!row) throw new MlpError('NOT_FOUND', `No entity ${name}: apply a feature view that uses it, or the entity itself.`);
      return toEntity(row);
    },
    async listEntities() {
      return (await latestEntities()).map(toEntity);
    },
    async listOnDemand() {
      const rows = await db.drizzle.selectDistinctOn([onDemand.name]).from(onDemand).orderBy(asc(onDemand.name), desc(onDemand.version));
      return rows.map((row) => ({ name: row.name, version: row.version, createdAt: row.createdAt, ...(row.definition as StoredOnDemand) }));
    },
  };
}
