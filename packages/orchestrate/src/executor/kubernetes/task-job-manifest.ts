import { createHash } from 'node:crypto';
import type { TaskAssignment } from '../executor.js';

/** Where and how the Jobs of the Kubernetes executor run. */
export interface TaskJobSettings {
  /** The image holding Node, the `mlp` command and the pipeline modules (at the paths runs record). */
  image: string;
  namespace: string;
  /** The workspace folder inside the image (MLP_WORKSPACE). */
  workspaceDir: string;
  /** The workspace database URL; left out when `secretName` provides MLP_DATABASE_URL. */
  databaseUrl?: string;
  blobsUrl: string;
  /** A Secret whose keys become environment variables (MLP_DATABASE_URL, S3 keys): credentials stay out of the Job spec. */
  secretName?: string;
  /** Extra plain environment variables. */
  env?: Record<string, string>;
  serviceAccountName?: string;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  /** Seconds a finished Job stays before Kubernetes deletes it (no owner is needed to clean up). */
  ttlSecondsAfterFinished: number;
  /** Seconds added to a step's timeout for the Job's own deadline (the engine aborts first; this is the backstop). */
  deadlineGraceSeconds: number;
  /** Labels every Job of this executor carries, to find them in one list call. */
  executorLabel: string;
  /** The command that starts mlp in the image. */
  command: string[];
}

export const defaultTaskResources = { requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '1Gi' } };

/** A label value: at most 63 characters of [A-Za-z0-9_.-], starting and ending alphanumeric. */
export function labelValue(text: string): string {
  const cleaned = text
    .replace(/[^A-Za-z0-9_.-]/g, '-')
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  return cleaned || 'x';
}

/** The Job's name: unique per task attempt, a DNS label (`mlp-task-<hash>-a<attempt>`). */
export function taskJobName(task: Pick<TaskAssignment, 'taskId' | 'attempt'>): string {
  const hash = createHash('sha256').update(task.taskId).digest('hex').slice(0, 20);
  return `mlp-task-${hash}-a${task.attempt}`;
}

/** The batch/v1 Job that runs one attempt: `mlp pipeline exec-task`, once (mlp retries, not Kubernetes). */
export function renderTaskJob(task: TaskAssignment, settings: TaskJobSettings) {
  const env = [
    { name: 'MLP_WORKSPACE', value: settings.workspaceDir },
    ...(settings.databaseUrl ? [{ name: 'MLP_DATABASE_URL', value: settings.databaseUrl }] : []),
    { name: 'MLP_BLOBS_URL', value: settings.blobsUrl },
    ...Object.entries(settings.env ?? {}).map(([name, value]) => ({ name, value })),
  ];
  const labels = {
    'app.kubernetes.io/name': 'mlp-task',
    'app.kubernetes.io/managed-by': 'mlp',
    'mlp.dev/executor': settings.executorLabel,
    'mlp.dev/run': labelValue(task.runId),
    'mlp.dev/step': labelValue(task.step),
    'mlp.dev/attempt': String(task.attempt),
  };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: taskJobName(task),
      namespace: settings.namespace,
      labels,
      annotations: {
        'mlp.dev/task-id': task.taskId,
        'mlp.dev/pipeline': task.pipeline.name,
        ...(task.mapIndex === undefined ? {} : { 'mlp.dev/map-index': String(task.mapIndex) }),
      },
    },
    spec: {
      backoffLimit: 0,
      ...(task.timeoutMs ? { activeDeadlineSeconds: Math.ceil(task.timeoutMs / 1000) + settings.deadlineGraceSeconds } : {}),
      ttlSecondsAfterFinished: settings.ttlSecondsAfterFinished,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          ...(settings.serviceAccountName ? { serviceAccountName: settings.serviceAccountName } : {}),
          automountServiceAccountToken: Boolean(settings.serviceAccountName),
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 1000,
            runAsGroup: 1000,
            fsGroup: 1000,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: 'task',
              image: settings.image,
              command: settings.command,
              args: ['--json', 'pipeline', 'exec-task', '--run', task.runId, '--task', task.taskId, '--attempt', String(task.attempt)],
              env,
              ...(settings.secretName ? { envFrom: [{ secretRef: { name: settings.secretName } }] } : {}),
              resources: settings.resources ?? defaultTaskResources,
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: {} }],
        },
      },
    },
  };
}

export type TaskJob = ReturnType<typeof renderTaskJob>;
