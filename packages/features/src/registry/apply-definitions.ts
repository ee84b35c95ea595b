import { currentActor, type DatasetResolver, MlpError, type Workspace } from '@mlp/core';
import { desc, eq, sql } from 'drizzle-orm';
import { type EntityDefinition, isEntityDefinition } from '../definitions/entity.js';
import { type FeatureViewDefinition, isFeatureViewDefinition } from '../definitions/feature-view.js';
import { isOnDemandFeaturesDefinition, type OnDemandFeaturesDefinition } from '../definitions/on-demand-features.js';
import { inspectSource } from '../sources/inspect-source.js';
import { entities, onDemand, views } from '../store/schema.js';
import { checkViewAgainstSource } from './check-source.js';
import { fingerprintOf, type StoredView, storedEntity, storedOnDemand, storedView } from './stored-definition.js';

/** Published in the transaction that records a new version of a view. */
export const featureViewAppliedEvent = 'features.view_applied';

export type ApplyStatus = 'created' | 'updated' | 'unchanged';

export interface ApplyResult {
  entities: { name: string; version: number; status: ApplyStatus }[];
  views: { name: string; version: number; status: ApplyStatus }[];
  onDemand: { name: string; version: number; status: ApplyStatus }[];
}

export interface ApplyOptions {
  /** Apply a view even when a feature's type changed (the old versions' data keeps its old type). */
  force?: boolean;
  actor?: string;
  /** Checks everything (sources included) and reports what would change, writing nothing. */
  dryRun?: boolean;
  signal?: AbortSignal;
}

type Definition = EntityDefinition | FeatureViewDefinition | OnDemandFeaturesDefinition;

function collect(definitions: readonly unknown[]) {
  const entityByName = new Map<string, EntityDefinition>();
  const viewByName = new Map<string, FeatureViewDefinition>();
  const onDemandByName = new Map<string, OnDemandFeaturesDefinition>();
  const addEntity = (item: EntityDefinition) => {
    const known = entityByName.get(item.name);
    if (known && known !== item && fingerprintOf(storedEntity(known)) !== fingerprintOf(storedEntity(item))) {
      throw new MlpError('INVALID_ARGUMENT', `Two different entities are named ${item.name}: give one another name.`);
    }
    entityByName.set(item.name, item);
  };
  for (const item of definitions as Definition[]) {
    if (isEntityDefinition(item)) addEntity(item);
    else if (isFeatureViewDefinition(item)) {
      if (viewByName.has(item.name) && viewByName.get(item.name) !== item) {
        throw new MlpError('INVALID_ARGUMENT', `Two feature views are named ${item.name}: give one another name.`);
      }
      viewByName.set(item.name, item);
      for (const used of item.entities) addEntity(used);
    } else if (isOnDemandFeaturesDefinition(item)) {
      if (onDemandByName.has(item.name) && onDemandByName.get(item.name) !== item) {
        throw new MlpError('INVALID_ARGUMENT', `Two on-demand feature sets are named ${item.name}: give one another name.`);
      }
      if (viewByName.has(item.name))
        throw new MlpError('INVALID_ARGUMENT', `${item.name} names both a feature view and on-demand features.`);
      onDemandByName.set(item.name, item);
    }
  }
  for (const item of onDemandByName.values()) {
    if (viewByName.has(item.name)) throw new MlpError('INVALID_ARGUMENT', `${item.name} names both a feature view and on-demand features.`);
    for (const source of item.sources) if (!viewByName.has(source.name)) viewByName.set(source.name, source);
  }
  return { entityList: [...entityByName.values()], viewList: [...viewByName.values()], onDemandList: [...onDemandByName.values()] };
}

function typeChanges(previous: StoredView, next: StoredView): string[] {
  const before = new Map(
    [...previous.features, ...previous.entities.flatMap((item) => item.joinKeys)].map((spec) => [spec.name, spec.type]),
  );
  return [...next.features, ...next.entities.flatMap((item) => item.joinKeys)]
    .filter((spec) => before.has(spec.name) && before.get(spec.name) !== spec.type)
    .map((spec) => `${spec.name} (${before.get(spec.name)} → ${spec.type})`);
}

/**
 * Records entities, feature views and on-demand features, each versioned: an identical definition
 * keeps its version, a changed one gets the next. Sources are checked first (timestamp column, join
 * keys, features and their types); a feature whose type changed is refused unless `force`.
 */
export async function applyDefinitions(
  workspace: Pick<Workspace, 'db' | 'events'>,
  definitions: readonly unknown[],
  options: ApplyOptions & { datasets?: DatasetResolver | undefined } = {},
): Promise<ApplyResult> {
  const { entityList, viewList, onDemandList } = collect(definitions);
  if (entityList.length + viewList.length + onDemandList.length === 0) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      'Nothing to apply: pass entities, feature views or on-demand features made with entity(), featureView() or onDemandFeatures().',
    );
  }
  for (const view of viewList) {
    options.signal?.throwIfAborted();
    checkViewAgainstSource(view, await inspectSource(view.source, { db: workspace.db, datasets: options.datasets }));
  }
  const actor = currentActor({ actor: options.actor });
  const now = Date.now();
  const result: ApplyResult = { entities: [], views: [], onDemand: [] };
  const work = async (tx: Parameters<Parameters<typeof workspace.db.transaction>[0]>[0]) => {
    // one apply at a time, so two appliers of the same view never race for its next version
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('mlp features apply'))`);
    for (const item of entityList) {
      const stored = storedEntity(item);
      const fingerprint = fingerprintOf(stored);
      const [latest] = await tx.select().from(entities).where(eq(entities.name, item.name)).orderBy(desc(entities.version)).limit(1);
      if (latest?.fingerprint === fingerprint) {
        result.entities.push({ name: item.name, version: latest.version, status: 'unchanged' });
        continue;
      }
      const version = (latest?.version ?? 0) + 1;
      await tx.insert(entities).values({
        name: item.name,
        version,
        joinKeys: stored.joinKeys,
        description: stored.description,
        fingerprint,
        appliedBy: actor,
        createdAt: now,
      });
      result.entities.push({ name: item.name, version, status: latest ? 'updated' : 'created' });
    }
    for (const view of viewList) {
      const stored = storedView(view);
      const fingerprint = fingerprintOf(stored);
      const [latest] = await tx.select().from(views).where(eq(views.name, view.name)).orderBy(desc(views.version)).limit(1);
      if (latest?.fingerprint === fingerprint) {
        result.views.push({ name: view.name, version: latest.version, status: 'unchanged' });
        continue;
      }
      if (latest && !options.force) {
        const changed = typeChanges(latest.definition as StoredView, stored);
        if (changed.length > 0) {
          throw new MlpError(
            'FAILED_PRECONDITION',
            `Feature view ${view.name}: the type of ${changed.join(', ')} changed since version ${latest.version}. Give the feature a new name, or apply with force (--force) to start a version whose data has the new type.`,
            { details: { view: view.name, changed } },
          );
        }
      }
      const version = (latest?.version ?? 0) + 1;
      await tx.insert(views).values({ name: view.name, version, definition: stored, fingerprint, appliedBy: actor, createdAt: now });
      await workspace.events.publish(featureViewAppliedEvent, { view: view.name, version, fingerprint }, { tx });
      result.views.push({ name: view.name, version, status: latest ? 'updated' : 'created' });
    }
    for (const item of onDemandList) {
      const stored = storedOnDemand(item);
      const fingerprint = fingerprintOf(stored);
      const [latest] = await tx.select().from(onDemand).where(eq(onDemand.name, item.name)).orderBy(desc(onDemand.version)).limit(1);
      if (latest?.fingerprint === fingerprint) {
        result.onDemand.push({ name: item.name, version: latest.version, status: 'unchanged' });
        continue;
      }
      const version = (latest?.version ?? 0) + 1;
      await tx.insert(onDemand).values({ name: item.name, version, definition: stored, fingerprint, appliedBy: actor, createdAt: now });
      result.onDemand.push({ name: item.name, version, status: latest ? 'updated' : 'created' });
    }
    if (options.dryRun) throw dryRunDone;
  };
  try {
    await workspace.db.transaction(work);
  } catch (error) {
    if (error !== dryRunDone) throw error;
  }
  return result;
}

// Thrown to roll a dry run's transaction back once its result is known.
const dryRunDone = Symbol('dry run');
