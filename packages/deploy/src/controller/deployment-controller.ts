import { MlpError, type MlpEvent, toMlpError, type Workspace } from '@mlp/core';
import { openRegistry } from '@mlp/registry';
import { sql } from 'drizzle-orm';
import { rolloutChange } from '../deployment/deployment-changes.js';
import { changeDeployment, type DeploymentRecord, ensureDeployTables, listDeployments } from '../deployment/deployment-store.js';
import { resolveSplit, type SplitRegistry, splitChange } from '../deployment/traffic-split.js';
import { featureServeArgs } from '../enrichment/feature-enrichment.js';
import type { KubernetesTargetOptions } from '../kubernetes/kubernetes-target.js';
import { kubernetesRenderOptionsFromEnv } from '../kubernetes/kubernetes-target-env.js';
import type { LaunchServer } from '../local/local-deployment.js';
import { startServerProcess } from '../local/server-process.js';
import { createDeploymentLeases } from './deployment-leases.js';
import { DeploymentRunner } from './deployment-runner.js';
import { KubernetesRunner } from './kubernetes-runner.js';
import { type RollbackWebhookOptions, startRollbackWebhooks } from './rollback-webhooks.js';

/** The command that starts one model server for `modelUri`; it must print `{"url","port"}` on stdout when ready. */
export type ServeCommand = (input: { deployment: DeploymentRecord; modelUri: string; workspaceDir: string }) => string[];

export interface DeploymentControllerOptions {
  /** How often every deployment is reconciled (its step timers checked, its servers kept up). */
  pollIntervalMs?: number;
  /** Default: this program (`mlp`) with `serve MODEL --port 0`; give one when the controller runs outside the CLI. */
  serveCommand?: ServeCommand;
  /** Environment of the model servers (default: this process's, with the workspace database). */
  env?: NodeJS.ProcessEnv;
  /** The routers' host (default 127.0.0.1). */
  host?: string;
  /** The durable consumer of the registry's alias events (default `deploy.controller`). */
  consumer?: string;
  webhooks?: RollbackWebhookOptions;
  /** The registry A/B deployments read their traffic splits from (default: opened on the workspace when needed). */
  registry?: SplitRegistry;
  /**
   * How `target: kubernetes` deployments reach the cluster (kubeconfig: the spec's, else this, else $KUBECONFIG)
   * and what their pods get (default: the Secret named by MLP_DEPLOY_KUBERNETES_SECRET).
   */
  kubernetes?: KubernetesTargetOptions;
  /** Called after each reconciliation of a deployment. */
  onTick?: (deployment: DeploymentRecord) => void;
}

export interface DeploymentController {
  /** The router URL of each deployment this controller runs. */
  endpoints(): Record<string, string>;
  /** Reconciles every deployment now (also done every poll interval). */
  reconcile(): Promise<void>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** `mlp serve` of the program running now (the CLI), on the same workspace. */
export const defaultServeCommand: ServeCommand = ({ deployment, modelUri, workspaceDir }) => {
  const entry = process.argv[1];
  if (!entry) throw new MlpError('FAILED_PRECONDITION', 'The controller cannot tell how to start `mlp serve`: give it a serveCommand.');
  return [
    process.execPath,
    ...process.execArgv,
    entry,
    '-C',
    workspaceDir,
    '--json',
    'serve',
    modelUri,
    '--port',
    '0',
    '--deployment',
    deployment.name,
    '--exit-with-parent',
    ...featureServeArgs(deployment.spec.features),
  ];
};

interface AliasSet {
  name: string;
  alias: string;
  version: number;
}

/**
 * The deployment controller (`mlp deploy agent`, or inside `mlp server`): follows the registry's durable
 * alias events with a stored cursor, so a promotion recorded while it was down still rolls out, and
 * reconciles every deployment (local, or on Kubernetes) from the store: a restarted controller resumes each rollout where
 * the store says it is.
 */
export async function startDeploymentController(
  workspace: Workspace,
  options: DeploymentControllerOptions = {},
): Promise<DeploymentController> {
  await ensureDeployTables(workspace);
  const log = workspace.logger;
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const serveCommand = options.serveCommand ?? defaultServeCommand;
  const env = options.env ?? { ...process.env, MLP_DATABASE_URL: workspace.config.database.url };
  const kubernetes = options.kubernetes ?? kubernetesRenderOptionsFromEnv(process.env);
  const runners = new Map<string, DeploymentRunner | KubernetesRunner>();
  const busy = new Map<string, Promise<void>>();
  const leases = createDeploymentLeases(workspace.db, log);
  let closed = false;

  const launch =
    (deployment: DeploymentRecord): LaunchServer =>
    ({ modelVersion }) =>
      startServerProcess({
        command: serveCommand({
          deployment,
          modelUri: `models:/${deployment.modelName}/${modelVersion}`,
          workspaceDir: workspace.config.dir,
        }),
        env,
        readyTimeoutMs: deployment.spec.readyTimeoutMs,
        onStderr: (line) => log.debug(`[${deployment.name} v${modelVersion}] ${line}`),
      });

  const tickOne = (record: DeploymentRecord): Promise<void> => {
    const running = busy.get(record.name);
    if (running) return running;
    let runner = runners.get(record.name);
    if (!runner) {
      runner =
        record.spec.target === 'kubernetes'
          ? new KubernetesRunner(record.name, {
              workspace,
              logger: log,
              target: kubernetes,
            })
          : new DeploymentRunner(record.name, {
              workspace,
              launch,
              logger: log,
              ...(options.host !== undefined && { host: options.host }),
            });
      runners.set(record.name, runner);
    }
    const work = runner
      .tick(record)
      .then((after) => options.onTick?.(after))
      .catch((error: unknown) => {
        const failure = toMlpError(error);
        if (failure.code === 'NOT_FOUND') return; // deleted meanwhile: the next pass stops it
        log.error(`deployment '${record.name}': ${failure.message}`);
      })
      .finally(() => busy.delete(record.name));
    busy.set(record.name, work);
    return work;
  };

  /** Lists the deployments, stops the deleted ones and starts a pass of each (returns the passes). */
  const startPass = async (): Promise<Promise<void>[]> => {
    if (closed) return [];
    const all = await listDeployments(workspace);
    const names = new Set(all.map((deployment) => deployment.name));
    // One controller drives a deployment: the one holding its lease (another takes over when it dies).
    const held = await leases.hold([...names]);
    for (const [name, runner] of runners)
      if (!held.has(name)) {
        runners.delete(name);
        await busy.get(name);
        await runner.close();
        log.info(
          names.has(name)
            ? `deployment '${name}': this controller lost its lease; its router and servers are stopped (another controller drives it)`
            : `deployment '${name}' was deleted: its router and servers are stopped`,
        );
      }
    return all.filter((deployment) => held.has(deployment.name)).map(tickOne);
  };
  const reconcile = async () => {
    await Promise.all(await startPass());
  };

  let ownRegistry: Promise<Awaited<ReturnType<typeof openRegistry>>> | undefined;
  const registry = async (): Promise<SplitRegistry> => {
    if (options.registry) return options.registry;
    ownRegistry ??= openRegistry(workspace);
    return ownRegistry;
  };

  /** A/B deployments of `model`: served as the registry's split says now. */
  const followSplits = async (model: string, reason: string) => {
    const split = (await listDeployments(workspace)).filter((deployment) => deployment.modelName === model && deployment.spec.trafficSplit);
    for (const deployment of split) {
      let wanted: Awaited<ReturnType<typeof resolveSplit>>;
      try {
        wanted = await resolveSplit(await registry(), model, deployment.spec.trafficSplit as string);
      } catch (error) {
        const failure = toMlpError(error);
        if (failure.code === 'UNAVAILABLE') throw failure; // the database is away: the event comes again
        log.error(`deployment '${deployment.name}' keeps its variants: ${failure.message}`);
        continue;
      }
      await changeDeployment(workspace, deployment.name, (current) => splitChange(current, wanted, reason));
      log.info(
        `deployment '${deployment.name}': serving ${wanted.map((v) => `${v.variant} (version ${v.modelVersion}) ${v.weight}%`).join(', ')}`,
      );
    }
  };

  const onEvent = async (event: MlpEvent) => {
    if (event.type === 'registered_model.traffic_split_set') {
      const { name, split } = event.payload as { name: string; split: string };
      await followSplits(name, `traffic split '${split}' of '${name}' changed`);
      void reconcile().catch(() => undefined);
      return;
    }
    const { name, alias, version } = event.payload as AliasSet;
    await followSplits(name, `models:/${name}@${alias} moved to version ${version}`);
    const following = (await listDeployments(workspace)).filter(
      (deployment) => deployment.modelName === name && deployment.alias === alias && !deployment.spec.trafficSplit,
    );
    for (const deployment of following) {
      // At least once: an event seen before (a crash before the cursor moved) has its history line already.
      const seen = await workspace.db.drizzle.execute(
        sql`select 1 from deploy_history where deployment = ${deployment.name} and details->>'event_id' = ${event.id} limit 1`,
      );
      if (seen.rows.length > 0) continue;
      await changeDeployment(workspace, deployment.name, (current) => {
        const change = rolloutChange(current, version, `models:/${name}@${alias} moved to version ${version}`);
        return change?.history ? { ...change, history: { ...change.history, details: { event_id: event.id } } } : change;
      });
      log.info(`deployment '${deployment.name}': rolling out version ${version} of '${name}' (@${alias})`);
    }
    void reconcile().catch(() => undefined);
  };

  const subscription = workspace.events.subscribe(
    {
      consumer: options.consumer ?? 'deploy.controller',
      types: ['model_version.alias_set', 'registered_model.traffic_split_set'],
      pollIntervalMs: Math.max(200, Math.min(pollIntervalMs, 1000)),
      onError: (error, event) => log.warn(`event ${event.id} (${event.type}): ${toMlpError(error).message}; retrying.`),
    },
    onEvent,
  );
  const webhooks = startRollbackWebhooks(workspace, options.webhooks);

  let timer: NodeJS.Timeout | undefined;
  const loop = async () => {
    try {
      // A deployment whose servers are starting does not hold up the others' passes.
      await startPass();
    } catch (error) {
      log.error(`the deployment controller's pass failed: ${toMlpError(error).message}; retrying`);
    }
    if (!closed) timer = setTimeout(loop, pollIntervalMs);
  };
  void loop();

  const close = async () => {
    if (closed) return;
    closed = true;
    clearTimeout(timer);
    await subscription.close();
    await webhooks.close();
    // A Kubernetes rollout being waited for stops waiting (the store resumes it); local passes finish.
    for (const runner of runners.values()) if (runner instanceof KubernetesRunner) await runner.close();
    await Promise.all(busy.values());
    await Promise.all([...runners.values()].map((runner) => runner.close()));
    runners.clear();
    await leases.close();
    if (ownRegistry) await (await ownRegistry).close();
  };
  return {
    endpoints: () => Object.fromEntries([...runners].flatMap(([name, runner]) => (runner.url ? [[name, runner.url]] : []))),
    reconcile,
    close,
    [Symbol.asyncDispose]: close,
  };
}
