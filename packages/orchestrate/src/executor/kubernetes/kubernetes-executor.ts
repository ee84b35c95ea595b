import { randomUUID } from 'node:crypto';
import { backoffDelay, isRetryableStatus, MlpError, type Workspace } from '@mlp/core';
import type { ExecutorPlugin, TaskAssignment, TaskExecutor, TaskOutcome } from '../executor.js';
import { apiMessageOf, apiStatusOf, loadKubeConfig } from './kubernetes-client.js';
import { renderTaskJob, type TaskJobSettings, taskJobName } from './task-job-manifest.js';

export interface KubernetesExecutorOptions {
  /** The image with Node, the `mlp` command and the pipeline modules (required). */
  image: string;
  /** Namespace of the Jobs (default: the kubeconfig context's, else `default`). */
  namespace?: string;
  /** A kubeconfig file path or its text (default: $KUBECONFIG, ~/.kube/config, or in-cluster). */
  kubeconfig?: string;
  /** A Secret with MLP_DATABASE_URL and blob-store credentials, passed to the Jobs as environment variables. */
  secretName?: string;
  serviceAccountName?: string;
  /** The workspace folder inside the image (default: this workspace's folder). */
  workspaceDir?: string;
  env?: Record<string, string>;
  resources?: TaskJobSettings['resources'];
  /** How often the executor's Jobs are listed for their state (ms, default 1000). */
  pollMs?: number;
  ttlSecondsAfterFinished?: number;
  /** The command that starts mlp in the image (default `mlp`). */
  command?: string[];
}

interface Pending {
  assignment: TaskAssignment;
  jobName: string;
  /** Set once the Job exists: only then does a list without it mean it is gone. */
  created: boolean;
  resolve: (outcome: TaskOutcome) => void;
}

type JobStatus = { conditions?: Array<{ type?: string; status?: string; reason?: string; message?: string }> };

/**
 * The Kubernetes executor: each attempt is a batch/v1 Job from the configured image running
 * `mlp pipeline exec-task`, which writes the attempt's result to the workspace (so the database and
 * blob store must be reachable from the cluster). Jobs are found in one labelled list call per poll;
 * a finished Job's outcome is read from the attempt's row. Cancel and timeout delete the Job (its pod
 * goes with it); `ttlSecondsAfterFinished` cleans up finished Jobs without an owner.
 */
export async function openKubernetesExecutor(workspace: Workspace, options: KubernetesExecutorOptions): Promise<TaskExecutor> {
  if (!options.image)
    throw new MlpError('INVALID_ARGUMENT', 'the kubernetes executor needs an image: set MLP_KUBERNETES_IMAGE or pass image.');
  const databaseUrl = workspace.config.database.url;
  if (!options.secretName && databaseUrl === 'embedded')
    throw new MlpError(
      'FAILED_PRECONDITION',
      'a Kubernetes Job cannot reach the embedded database: point the workspace at PostgreSQL (MLP_DATABASE_URL=postgres://...) or give a Secret holding MLP_DATABASE_URL.',
    );
  if (workspace.config.blobs.url.startsWith('memory:'))
    throw new MlpError(
      'FAILED_PRECONDITION',
      'a Kubernetes Job cannot reach an in-memory blob store: use s3:// (or a volume the Jobs mount).',
    );
  const { k8s, config, namespace: contextNamespace } = await loadKubeConfig(options.kubeconfig);
  const batch = config.makeApiClient(k8s.BatchV1Api);
  const namespace = options.namespace ?? contextNamespace;
  const executorLabel = randomUUID();
  const settings: TaskJobSettings = {
    image: options.image,
    namespace,
    workspaceDir: options.workspaceDir ?? workspace.config.dir,
    ...(options.secretName ? { secretName: options.secretName } : { databaseUrl }),
    blobsUrl: workspace.config.blobs.url,
    ...(options.env ? { env: options.env } : {}),
    ...(options.serviceAccountName ? { serviceAccountName: options.serviceAccountName } : {}),
    ...(options.resources ? { resources: options.resources } : {}),
    ttlSecondsAfterFinished: options.ttlSecondsAfterFinished ?? 3600,
    deadlineGraceSeconds: 30,
    executorLabel,
    command: options.command ?? ['mlp'],
  };
  const pending = new Map<string, Pending>();
  let closed = false;

  const settle = (jobName: string, outcome: TaskOutcome) => {
    const entry = pending.get(jobName);
    if (!entry) return;
    pending.delete(jobName);
    entry.resolve(outcome);
  };

  /** The outcome the attempt recorded; `why` when it recorded none (its pod died, the Job was removed). */
  const recordedOutcome = async (task: TaskAssignment, why: string): Promise<TaskOutcome> => {
    const rows = await workspace.db.query<{ status: string; error: { message: string; stack?: string; code?: string } | null }>(
      'select status, error from orchestrate_attempts where task_id = $1 and attempt = $2',
      [task.taskId, task.attempt],
    );
    const row = rows[0];
    if (row?.status === 'succeeded') return { status: 'succeeded' };
    if (row?.status === 'failed') return { status: 'failed', error: row.error ?? { message: why } };
    if (row?.status === 'cancelled') return { status: 'cancelled' };
    return { status: 'failed', error: { code: 'UNAVAILABLE', message: why } };
  };

  const check = async () => {
    // Judged only: attempts whose Job existed before the list was asked for.
    const known = [...pending].filter(([, entry]) => entry.created);
    if (known.length === 0) return;
    const list = await batch.listNamespacedJob({ namespace, labelSelector: `mlp.dev/executor=${executorLabel}` });
    const jobs = new Map(list.items.map((job) => [job.metadata?.name ?? '', job.status as JobStatus | undefined]));
    for (const [jobName, entry] of known) {
      if (!jobs.has(jobName)) {
        settle(jobName, await recordedOutcome(entry.assignment, `the Job ${jobName} was deleted before it finished.`));
        continue;
      }
      const conditions = jobs.get(jobName)?.conditions ?? [];
      const done = conditions.find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
      if (!done) continue;
      const how =
        done.type === 'Complete' ? 'completed' : `failed (${done.reason ?? 'no reason given'}${done.message ? `: ${done.message}` : ''})`;
      const why = `the Job ${jobName} ${how} without recording a result; see \`kubectl logs job/${jobName} -n ${namespace}\`.`;
      settle(jobName, await recordedOutcome(entry.assignment, why));
    }
  };

  let checking: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    checking = checking
      .then(check)
      .catch((error: unknown) =>
        workspace.logger.warn({ err: apiMessageOf(error) }, 'kubernetes executor: listing the Jobs failed; trying again'),
      );
  }, options.pollMs ?? 1_000);
  timer.unref();

  const createJob = async (task: TaskAssignment) => {
    const body = renderTaskJob(task, settings);
    for (let attempt = 0; ; attempt++) {
      try {
        await batch.createNamespacedJob({ namespace, body: body as never });
        return;
      } catch (error) {
        const status = apiStatusOf(error);
        if (status === 409) return; // the same attempt's Job exists already (created before a retry of this call)
        const retryable = status === undefined || isRetryableStatus(status);
        if (!retryable || attempt >= 4)
          throw new MlpError(
            status === 403 || status === 401 ? 'PERMISSION_DENIED' : retryable ? 'UNAVAILABLE' : 'INVALID_ARGUMENT',
            `creating the Job for task ${task.taskId} in namespace '${namespace}' failed: ${apiMessageOf(error)}`,
          );
        await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt, { baseDelayMs: 200, maxDelayMs: 3_000 })));
      }
    }
  };

  const deleteJob = async (jobName: string) => {
    try {
      await batch.deleteNamespacedJob({ name: jobName, namespace, propagationPolicy: 'Background' });
    } catch (error) {
      if (apiStatusOf(error) !== 404)
        workspace.logger.warn({ err: apiMessageOf(error), job: jobName }, 'kubernetes executor: deleting a Job failed');
    }
  };

  return {
    name: 'kubernetes',
    async execute(assignment, signal) {
      if (closed) throw new MlpError('FAILED_PRECONDITION', 'the kubernetes executor is closed; open another.');
      const jobName = taskJobName(assignment);
      const outcome = new Promise<TaskOutcome>((resolve) => pending.set(jobName, { assignment, jobName, created: false, resolve }));
      const onAbort = () => {
        void deleteJob(jobName).then(() => settle(jobName, { status: 'cancelled' }));
      };
      if (signal.aborted) {
        pending.delete(jobName);
        return { status: 'cancelled' };
      }
      try {
        await createJob(assignment);
      } catch (error) {
        pending.delete(jobName);
        const failure = MlpError.isInstance(error) ? error : new MlpError('INTERNAL', String(error));
        return { status: 'failed', error: { code: failure.code, message: failure.message } };
      }
      const entry = pending.get(jobName);
      if (entry) entry.created = true;
      signal.addEventListener('abort', onAbort, { once: true });
      if (signal.aborted) onAbort();
      return outcome.finally(() => signal.removeEventListener('abort', onAbort));
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      await checking;
      for (const jobName of [...pending.keys()]) settle(jobName, { status: 'cancelled' });
    },
  };
}

/** Options from the environment: MLP_KUBERNETES_IMAGE, _NAMESPACE, _SECRET, _SERVICE_ACCOUNT, _WORKSPACE_DIR; KUBECONFIG. */
export function kubernetesExecutorOptionsFromEnv(env: Record<string, string | undefined> = process.env): KubernetesExecutorOptions {
  const value = (name: string) => (env[name] === '' ? undefined : env[name]);
  const options: KubernetesExecutorOptions = { image: value('MLP_KUBERNETES_IMAGE') ?? '' };
  const namespace = value('MLP_KUBERNETES_NAMESPACE');
  if (namespace) options.namespace = namespace;
  const secretName = value('MLP_KUBERNETES_SECRET');
  if (secretName) options.secretName = secretName;
  const serviceAccountName = value('MLP_KUBERNETES_SERVICE_ACCOUNT');
  if (serviceAccountName) options.serviceAccountName = serviceAccountName;
  const workspaceDir = value('MLP_KUBERNETES_WORKSPACE_DIR');
  if (workspaceDir) options.workspaceDir = workspaceDir;
  return options;
}

export const kubernetesExecutorPlugin: ExecutorPlugin = {
  name: 'kubernetes',
  open: (workspace) => openKubernetesExecutor(workspace, kubernetesExecutorOptionsFromEnv()),
};
