// The flights-delay pipeline: will a flight arrive more than 15 minutes late?
//
//   ingest → validate → version → features → train → register → promote
//
// ingest brings the flights in as a version of the dataset `flights-raw` (by default the 3 million
// vega-datasets flights of 2001; `--param source=...` takes a file, an http(s) or s3 URL); validate
// checks it with an expectation suite and stops the run when an error-level expectation fails;
// version writes the cleaned training set as `flights-delay` (a DVC 3 `.dvc` file and a catalog
// version, pushed when a default data remote is configured); features derives the hourly delay figures
// per origin airport from it, applies the feature views of features.ts, builds the point-in-time training
// set of the versioned rows (`flights-delay-features`) and materialises the latest values to the online
// store; train runs the hyper-parameter search of spec.yaml on that training set (its raw columns and the
// features), every trial a tracked run; register puts the best trial's model in the registry;
// promote moves the alias `champion` to it when it passes the gates (it beats the champion).
//
//   mlp pipeline run examples/flights-delay/pipeline.ts --param trials=4 --param rows=30000
//
// It runs every day at 06:00 New York time (`mlp scheduler`), and whenever someone versions new raw
// flights (`mlp data ingest FILE --name flights-raw`): that run trains on the new version as it is.
import { rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { MlpError } from '@mlp/core';
import { openTabularDb, sqlString, tabularScanSql } from '@mlp/core/tabular';
import { openDataRepo, openDatasetCatalog } from '@mlp/data-version';
import { openFeatureRegistry, openOfflineStore, openOnlineFeatures } from '@mlp/features';
import { definePipeline, loadRunSummary } from '@mlp/orchestrate';
import { openRegistry, parseGateSpecs, validationTag } from '@mlp/registry';
import { createTracking } from '@mlp/tracking';
import { loadSpec, train } from '@mlp/train';
import { assertResultValid, defineSuite, failedErrors, validate } from '@mlp/validate';
import { z } from 'zod';
import { definitions, featureColumns, ORIGIN_HOURLY_DATASET, originDelays, writeOriginHourlySql } from './features.js';

/** The raw flights, as ingested; a new version of it starts the pipeline. */
export const RAW_DATASET = 'flights-raw';
/** The cleaned training set, versioned DVC-compatibly. */
export const TRAINING_DATASET = 'flights-delay';
/** The versioned rows with their point-in-time features: what the model trains on. */
export const FEATURES_DATASET = 'flights-delay-features';
/** The registered model, and the alias the gates guard. */
export const MODEL = 'flights-delay';
export const CHAMPION = 'champion';

const vegaFlights = path.join(path.dirname(createRequire(import.meta.url).resolve('vega-datasets')), '..', 'data');
const specFile = path.join(import.meta.dirname, 'spec.yaml');

export const params = z.object({
  /** What to ingest: a local file, an http(s):// or s3:// URL (CSV, Parquet, JSON). */
  source: z.string().default(path.join(vegaFlights, 'flights-3m.parquet')),
  /** The fewest rows a raw version may have to pass validation. */
  minRows: z.number().int().min(1).default(100_000),
  /** The seeded sample of the training set each trial trains on (spec.yaml: 100,000). */
  rows: z.number().int().min(100).default(100_000),
  trials: z.number().int().min(1).default(20),
  /** Trials at once, each in a worker of its own. */
  parallel: z.number().int().min(1).default(2),
  epochs: z.number().int().min(1).optional(),
  /** The val_auc a model needs to become champion, besides beating the current one. */
  minAuc: z.number().min(0).max(1).default(0.55),
});

export default definePipeline('flights-delay', {
  description: 'flights from ingestion to the champion model: will a flight arrive more than 15 minutes late?',
  params,
  schedule: { cron: '0 6 * * *', timezone: 'America/New_York', catchup: 'once' },
  // A new raw version, or a monitor's alert (drift on the deployed model), starts a run.
  triggers: [
    { on: 'dataset.version', dataset: RAW_DATASET },
    { on: 'event', type: 'monitor.alert_fired' },
  ],
})
  .step('ingest', { retries: 2 }, async (ctx) => {
    const catalog = await openDatasetCatalog(ctx.workspace);
    // A run a new raw version started trains on that version; the others ingest the source first.
    const { trigger } = await loadRunSummary(ctx.workspace, ctx.runId);
    if (trigger.kind === 'event') {
      // A monitor's alert retrains on the data last validated (the newest raw version may be a faulty batch).
      const eventId = trigger.key?.startsWith('event:') ? trigger.key.slice('event:'.length) : undefined;
      const [event] = eventId ? await ctx.workspace.db.query<{ type: string }>('select type from mlp_events where id = $1', [eventId]) : [];
      if (event?.type === 'monitor.alert_fired') {
        const validated = await catalog.getVersion(`${TRAINING_DATASET}@validated`);
        const raw = await catalog.getVersion(String(validated.source?.uri));
        ctx.logger.info(`started by a monitor's alert: retraining on ${raw.ref}, the data last validated`);
        return { ref: raw.ref, rootHash: raw.rootHash };
      }
      const version = await catalog.getVersion(`${RAW_DATASET}@latest`);
      ctx.logger.info(`started by a new version: training on ${version.ref}`);
      return { ref: version.ref, rootHash: version.rootHash };
    }
    const ingested = await catalog.ingest({
      source: ctx.params.source,
      to: `data/${RAW_DATASET}.parquet`,
      name: RAW_DATASET,
      message: `ingested by pipeline run ${ctx.runId}`,
      signal: ctx.signal,
    });
    ctx.logger.info(
      `${ingested.created ? 'new version' : 'unchanged:'} ${ingested.version.ref}, ${ingested.rows} rows from ${ctx.params.source}`,
    );
    // What downstream steps read (and their cache keys): the version, not whether this run made it.
    return { ref: ingested.version.ref, rootHash: ingested.version.rootHash };
  })
  .step('validate', { needs: ['ingest'], tracking: true, cache: true }, async (ctx, { ingest }) => {
    const catalog = await openDatasetCatalog(ctx.workspace);
    const raw = await catalog.resolve(ingest.ref);
    const suite = defineSuite('flights-raw')
      .expect('expectTableRowCountToBeBetween', { minValue: ctx.params.minRows })
      .expect('expectColumnValuesToNotBeNull', { column: 'delay' })
      .expect('expectColumnValuesToNotBeNull', { column: 'date' })
      .expect('expectColumnValuesToBeBetween', { column: 'distance', minValue: 1, maxValue: 6000 })
      .expect('expectColumnValueLengthsToEqual', { column: 'origin', value: 3 })
      .expect('expectColumnValuesToMatchRegex', { column: 'destination', regex: '^[A-Z]{3}$' });
    const result = await validate(raw.path, suite, { workspace: ctx.workspace, datasetVersion: ingest.ref, runId: ctx.run.runId });
    const { evaluated, successful } = result.statistics;
    ctx.run.setTags({ 'mlp.dataset_version': ingest.ref, [validationTag]: String(result.success) });
    await ctx.run.logMetrics({ expectations_evaluated: evaluated, expectations_successful: successful });
    for (const failed of failedErrors(result)) ctx.logger.error(`failed: ${failed.type} ${JSON.stringify(failed.args)}`);
    assertResultValid(result); // FAILED_PRECONDITION listing what failed: the run stops here
    ctx.logger.info(`${ingest.ref}: ${successful}/${evaluated} expectations met`);
    return { ref: ingest.ref, success: result.success, evaluated, successful, validationId: result.validationId ?? null };
  })
  .step('version', { needs: ['ingest', 'validate'], cache: true }, async (ctx, { ingest }) => {
    const catalog = await openDatasetCatalog(ctx.workspace);
    const raw = await catalog.resolve(ingest.ref);
    const relative = `data/${TRAINING_DATASET}.parquet`;
    const target = path.join(ctx.workspace.config.dir, relative);
    // Written beside the target and renamed over it: the file the last version checked out is never written into.
    const temporary = `${target}.${ctx.runId}.tmp`;
    const db = await openTabularDb();
    const connection = await db.connect();
    try {
      await connection.run(
        `COPY (SELECT date, delay, distance, origin, destination FROM ${tabularScanSql(raw.path, 'parquet')}
               WHERE date IS NOT NULL AND delay IS NOT NULL AND origin IS NOT NULL AND destination IS NOT NULL)
         TO ${sqlString(temporary)} (FORMAT parquet)`,
      );
    } finally {
      connection.closeSync();
      await db.close();
    }
    await rename(temporary, target);
    const { version, created } = await catalog.addVersion({
      dataset: TRAINING_DATASET,
      path: relative,
      source: { kind: 'workspace', uri: ingest.ref },
      message: `cleaned from ${ingest.ref} by pipeline run ${ctx.runId}`,
    });
    await catalog.tag(version.ref, 'validated');
    const repo = await openDataRepo({ root: ctx.workspace.config.dir, logger: ctx.workspace.logger });
    const remote = (await repo.remotes.list()).find((candidate) => candidate.default);
    const pushed = remote ? await repo.push({ targets: [relative] }) : undefined;
    ctx.logger.info(
      `${created ? 'new version' : 'unchanged:'} ${version.ref}${pushed ? `, pushed ${pushed.transferred} objects to ${remote?.name}` : ''}`,
    );
    return { ref: version.ref, rootHash: version.rootHash, dvcFile: `${relative}.dvc`, pushedTo: remote?.name ?? null };
  })
  .step('features', { needs: ['version'], tracking: true, cache: true }, async (ctx, { version }) => {
    const catalog = await openDatasetCatalog(ctx.workspace);
    const rows = await catalog.resolve(version.ref);
    // The view's source: hourly figures per origin airport, derived from this version's rows and versioned.
    const hourlyFile = `data/${ORIGIN_HOURLY_DATASET}.parquet`;
    await writeAtomically(path.join(ctx.workspace.config.dir, hourlyFile), ctx.runId, async (temporary) => {
      const db = await openTabularDb();
      const connection = await db.connect();
      try {
        await connection.run(writeOriginHourlySql(tabularScanSql(rows.path, 'parquet'), temporary));
      } finally {
        connection.closeSync();
        await db.close();
      }
    });
    const hourly = await catalog.addVersion({
      dataset: ORIGIN_HOURLY_DATASET,
      path: hourlyFile,
      source: { kind: 'workspace', uri: version.ref },
      message: `hourly delays per origin airport of ${version.ref}, by pipeline run ${ctx.runId}`,
    });

    const registry = await openFeatureRegistry(ctx.workspace, { datasets: catalog });
    const applied = await registry.apply(definitions);
    const views = applied.views.map((view) => `${view.name}@${view.version}`).join(',');
    ctx.logger.info(`applied ${applied.views.map((view) => `${view.name} v${view.version} (${view.status})`).join(', ')}`);

    // Point in time: each versioned row gets the values recorded at or before its `date`, its label kept.
    // The set follows from the rows' version, the views' versions and their source's version: a run that
    // finds one built from the same three reuses it (a run with other params misses the step's cache).
    const builtFrom = `features:${views}?entities=${version.ref}&source=${hourly.version.ref}`;
    const setFile = `data/${FEATURES_DATASET}.parquet`;
    const earlier = await catalog.listVersions(FEATURES_DATASET).catch((error: unknown) => {
      if (MlpError.isInstance(error) && error.code === 'NOT_FOUND') return [];
      throw error;
    });
    let training = earlier.find((candidate) => candidate.source?.uri === builtFrom);
    if (training) ctx.logger.info(`reusing ${training.ref}: built from ${version.ref}, ${views} and ${hourly.version.ref} already`);
    else {
      const offline = await openOfflineStore(ctx.workspace, { registry, datasets: catalog });
      const set = await offline.trainingSet({
        entities: { file: rows.path },
        timestampColumn: 'date',
        features: [originDelays.name],
        signal: ctx.signal,
        onProgress: ({ message }) => ctx.logger.info(message),
      });
      try {
        await set.writeFile(path.join(ctx.workspace.config.dir, setFile), { signal: ctx.signal });
      } finally {
        await set.close();
      }
      const added = await catalog.addVersion({
        dataset: FEATURES_DATASET,
        path: setFile,
        source: { kind: 'features', uri: builtFrom },
        message: `point-in-time training set of ${version.ref} with ${views} (${hourly.version.ref}), by pipeline run ${ctx.runId}`,
      });
      training = added.version;
    }
    const { rows: written, shares: nulls } = await nullShares((await catalog.resolve(training.ref)).path, featureColumns);
    // Pushed beside the training rows, so a clone can pull what the model trained on.
    const repo = await openDataRepo({ root: ctx.workspace.config.dir, logger: ctx.workspace.logger });
    const remote = (await repo.remotes.list()).find((candidate) => candidate.default);
    if (remote) await repo.push({ targets: [hourlyFile, setFile] });

    // Online: every origin's latest values of this version. Its event times lie in the past, before the
    // watermark an earlier run left (materialisation is incremental from there): the range starts at 1970.
    const online = await openOnlineFeatures(ctx.workspace, { datasets: catalog });
    let materialized: Awaited<ReturnType<typeof online.materialize>>;
    try {
      materialized = await online.materialize(originDelays.name, { from: 0, signal: ctx.signal });
    } finally {
      await online.close();
    }

    ctx.run.logParams({ views, [`source.${originDelays.name}`]: hourly.version.ref, entities: version.ref, training_set: training.ref });
    ctx.run.setTags({ 'mlp.dataset_version': training.ref });
    await ctx.run.logMetrics({
      rows: written,
      online_entities: materialized.written,
      ...Object.fromEntries(featureColumns.map((name) => [`null_share.${name}`, nulls[name] ?? 0])),
    });
    ctx.logger.info(
      `${training.ref}: ${written} rows of ${version.ref} with ${featureColumns.length} features of ${views} ` +
        `(null share ${featureColumns.map((name) => (nulls[name] ?? 0).toFixed(4)).join(', ')}); ` +
        `${materialized.written} origins' latest values in the ${materialized.store} online store${remote ? `; pushed to ${remote.name}` : ''}`,
    );
    return {
      ref: training.ref,
      rootHash: training.rootHash,
      views: applied.views.map(({ name, version: viewVersion }) => ({ name, version: viewVersion })),
      source: hourly.version.ref,
      rows: written,
      features: featureColumns,
      nullShares: nulls,
      online: { store: materialized.store, written: materialized.written },
      pushedTo: remote?.name ?? null,
    };
  })
  .step('train', { needs: ['validate', 'features'], cache: { ttlMs: 24 * 3_600_000 } }, async (ctx, { validate, features }) => {
    const spec = await loadSpec(specFile);
    const catalog = await openDatasetCatalog(ctx.workspace);
    // Every trial records the version it trained on in the catalog's lineage.
    const tracking = createTracking(ctx.workspace, { lineage: catalog.lineage });
    try {
      const result = await train(
        {
          ...spec,
          // The point-in-time training set: the raw columns of spec.yaml and the features of features.ts.
          data: features.ref,
          features: [...spec.features, ...features.features],
          rows: ctx.params.rows,
          ...(ctx.params.epochs !== undefined && { epochs: ctx.params.epochs }),
          // What the registry's data-validated gate reads on the candidate's run.
          tags: { ...spec.tags, [validationTag]: String(validate.success), 'mlp.pipeline.run_id': ctx.runId },
        },
        {
          tracking,
          datasets: catalog,
          trials: ctx.params.trials,
          parallel: ctx.params.parallel,
          outDir: path.join(ctx.workspace.config.stateDir, 'train'),
          signal: ctx.signal,
          onProgress: (message) => ctx.logger.info(message),
        },
      );
      const trials = result.trials.map((trial) => ({
        runId: trial.runId,
        status: trial.status,
        valAuc: trial.metrics.val_auc ?? null,
      }));
      ctx.logger.info(`best of ${trials.length} trials: run ${result.bestRunId}, ${JSON.stringify(result.bestMetrics)}`);
      return { parentRunId: result.parentRunId ?? null, bestRunId: result.bestRunId, bestMetrics: result.bestMetrics, trials };
    } finally {
      await tracking.close();
    }
  })
  .step('register', { needs: ['train', 'features'], cache: true }, async (ctx, { train: search, features: version }) => {
    const registry = await openRegistry(ctx.workspace);
    try {
      const registered = await registry.registerVersion({
        name: MODEL,
        source: search.bestRunId,
        description: `best of ${search.trials.length} trials on ${version.ref} (pipeline run ${ctx.runId})`,
        tags: { 'mlp.pipeline.run_id': ctx.runId, dataset_version: version.ref },
      });
      ctx.logger.info(`registered ${MODEL} version ${registered.version} from run ${search.bestRunId}`);
      return { name: MODEL, version: registered.version, runId: search.bestRunId };
    } finally {
      await registry.close();
    }
  })
  .step('promote', { needs: ['register'], tracking: true, cache: true }, async (ctx, { register }) => {
    const registry = await openRegistry(ctx.workspace);
    try {
      const gates = parseGateSpecs([
        `metrics.val_auc >= ${ctx.params.minAuc}`,
        { type: 'beats-current', metric: 'val_auc', direction: 'higher', margin: 0.001 },
        { type: 'signature-compatible' },
        { type: 'data-validated' },
      ]);
      if (JSON.stringify(await registry.getGates(MODEL)) !== JSON.stringify(gates))
        await registry.setGates(MODEL, gates, { reason: `the gates of pipeline run ${ctx.runId}` });
      const outcomes = await registry.checkGates(MODEL, register.version, CHAMPION);
      const failed = outcomes.filter((outcome) => !outcome.passed).map((outcome) => outcome.message);
      let previous: number | null = null;
      if (failed.length === 0) {
        try {
          previous = (await registry.promote(MODEL, register.version, { alias: CHAMPION, reason: `pipeline run ${ctx.runId}` }))
            .previousVersion;
        } catch (error) {
          // Another promotion moved the alias since the check: this version stays a candidate.
          if (!MlpError.isInstance(error) || !['FAILED_PRECONDITION', 'CONFLICT'].includes(error.code)) throw error;
          failed.push(error.message);
        }
      }
      const promoted = failed.length === 0;
      ctx.run.setTags({ model: `${MODEL}/${register.version}`, promoted: String(promoted) });
      await ctx.run.logMetrics({ gates_passed: outcomes.length - failed.length, gates_failed: failed.length });
      ctx.logger.info(promoted ? `${MODEL} version ${register.version} is ${CHAMPION}` : `stays a candidate: ${failed.join('; ')}`);
      const champion = await registry.resolve(`models:/${MODEL}@${CHAMPION}`).catch(() => undefined);
      return {
        alias: CHAMPION,
        version: register.version,
        promoted,
        previousVersion: previous,
        failedGates: failed,
        champion: champion?.version ?? null,
      };
    } finally {
      await registry.close();
    }
  });

/** Writes `target` through a temporary file beside it, renamed over it: a file a version checked out is never written into. */
async function writeAtomically(target: string, runId: string, write: (temporary: string) => Promise<void>): Promise<void> {
  const temporary = `${target}.${runId}.tmp`;
  try {
    await write(temporary);
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** The rows of a Parquet file, and the share of them without a value in each of `columns`. */
async function nullShares(file: string, columns: readonly string[]): Promise<{ rows: number; shares: Record<string, number> }> {
  const db = await openTabularDb();
  const connection = await db.connect();
  try {
    const counts = columns.map((column, i) => `count(*) FILTER (WHERE "${column}" IS NULL) AS n${i}`).join(', ');
    const reader = await connection.runAndReadAll(`SELECT count(*) AS total, ${counts} FROM ${tabularScanSql(file, 'parquet')}`);
    const [row = {}] = reader.getRowObjectsJS() as Record<string, bigint>[];
    const total = Number(row.total ?? 0);
    return {
      rows: total,
      shares: Object.fromEntries(columns.map((column, i) => [column, total === 0 ? 0 : Number(row[`n${i}`] ?? 0) / total])),
    };
  } finally {
    connection.closeSync();
    await db.close();
  }
}
