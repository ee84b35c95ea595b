import { MlpError, type Workspace } from '@mlp/core';
import type { ExecutorPlugin, TaskExecutor } from './executor.js';

/**
 * The executors this package ships, loaded lazily so a CLI run with the local executor never loads
 * the queue's code. A third party's executor is registered on the workspace's `executor` plugin slot.
 */
const builtInExecutors: Record<string, () => Promise<ExecutorPlugin>> = {
  local: async () => (await import('./local/local-executor.js')).localExecutorPlugin,
  queue: async () => (await import('./queue/queue-executor.js')).queueExecutorPlugin,
  kubernetes: async () => (await import('./kubernetes/kubernetes-executor.js')).kubernetesExecutorPlugin,
};

/** Adds a built-in executor (the package's own `queue` executor registers itself here). */
export function registerBuiltInExecutor(name: string, load: () => Promise<ExecutorPlugin>): void {
  builtInExecutors[name] = load;
}

/** The executor named `name`: a built-in one, else one registered on the workspace's plugins. */
export async function openExecutor(workspace: Workspace, name: string, options: { concurrency?: number } = {}): Promise<TaskExecutor> {
  const builtIn = builtInExecutors[name];
  if (builtIn) return (await builtIn()).open(workspace, options);
  const plugin = workspace.plugins.find('executor', (candidate) => candidate.name === name);
  if (!plugin) {
    const known = [...Object.keys(builtInExecutors), ...workspace.plugins.list('executor').map((p) => p.name)];
    throw new MlpError('NOT_FOUND', `no executor named '${name}'; use one of: ${known.join(', ')}.`);
  }
  return plugin.open(workspace, options);
}
