import type { Workspace } from '@mlp/core';
import type { Route } from '@mlp/core/http';
import { openExecutor } from '../executor/open-executor.js';
import { ensureOrchestrateTables } from '../run/start-run.js';
import { recordConfiguredPipelines } from '../schedule/configured-pipelines.js';
import { type Orchestrator, type OrchestratorOptions, startOrchestrator } from '../schedule/start-orchestrator.js';
import { openHttpTriggers } from '../trigger/http-triggers.js';
import { createPipelineRoutes, type PipelineRoutesOptions } from './pipeline-routes.js';

export interface PipelineServiceOptions extends PipelineRoutesOptions, Pick<OrchestratorOptions, 'onTick' | 'onEvent' | 'onRecovered'> {
  /** Where the tasks of the runs this server starts run: `local` (default) or `queue` (`mlp worker` processes). */
  executor?: string;
  /** Fire schedules and event triggers and resume runs whose engine is gone, here (default true). */
  scheduler?: boolean;
}

/** What `mlp server` serves and runs for pipelines. */
export interface PipelineService {
  /** The HTTP trigger routes, to mount under `/api/2.0/`. */
  routes: Route[];
  /** The scheduler side, when it runs here. */
  orchestrator: Orchestrator | undefined;
  /** Stops the scheduler, waits for the runs started here to end, and closes the executor. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * The pipelines side of `mlp server`: HTTP triggers over the pipelines recorded in the workspace (by a
 * run, or at start from `mlp.config.json`'s `pipelines`), and
 * (unless `scheduler: false`) the same schedules, event triggers and recovery as `mlp scheduler`.
 */
export async function openPipelineService(workspace: Workspace, options: PipelineServiceOptions = {}): Promise<PipelineService> {
  await ensureOrchestrateTables(workspace);
  await recordConfiguredPipelines(workspace);
  const executor = await openExecutor(workspace, options.executor ?? 'local');
  const triggers = openHttpTriggers(workspace, { executor });
  const orchestrator =
    options.scheduler === false
      ? undefined
      : startOrchestrator(workspace, {
          executor,
          ...(options.onTick && { onTick: options.onTick }),
          ...(options.onEvent && { onEvent: options.onEvent }),
          ...(options.onRecovered && { onRecovered: options.onRecovered }),
        });
  const routes = createPipelineRoutes(triggers, options.redact ? { redact: options.redact } : {});
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      await Promise.all([orchestrator?.close(), triggers.close()]);
      await executor.close();
    })();
    return closing;
  };
  return { routes, orchestrator, close, [Symbol.asyncDispose]: close };
}
