import { Job } from 'kubernetes-models/batch/v1/Job';
import { describe, expect, it } from 'vitest';
import { labelValue, renderTaskJob, type TaskJobSettings, taskJobName } from './task-job-manifest.js';

const settings: TaskJobSettings = {
  image: 'registry.example/pipelines:1',
  namespace: 'ml',
  workspaceDir: '/srv/ml',
  blobsUrl: 's3://bucket/ws',
  secretName: 'mlp-workspace',
  ttlSecondsAfterFinished: 600,
  deadlineGraceSeconds: 30,
  executorLabel: 'e1',
  command: ['mlp'],
};
const task = {
  runId: 'a'.repeat(32),
  taskId: `${'a'.repeat(32)}:train trials:17`,
  attempt: 3,
  pipeline: { name: 'nightly', modulePath: 'pipelines/nightly.ts', sourceHash: 'h' },
  step: 'train trials',
  mapIndex: 17,
  timeoutMs: 90_500,
};

describe('the Job of a task attempt', () => {
  it('passes the Kubernetes schema, with the settings the executor promises', () => {
    const job = renderTaskJob(task, settings);
    expect(() => new Job(job as never).validate()).not.toThrow();
    expect(job.spec).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: 91 + 30, ttlSecondsAfterFinished: 600 });
    const container = job.spec.template.spec.containers[0]!;
    expect(container.envFrom).toEqual([{ secretRef: { name: 'mlp-workspace' } }]);
    // With a Secret the database URL is not in the Job spec.
    expect(container.env.map((e) => e.name)).toEqual(['MLP_WORKSPACE', 'MLP_BLOBS_URL']);
    expect(job.metadata.labels['mlp.dev/step']).toBe('train-trials');
    expect(job.metadata.annotations).toMatchObject({ 'mlp.dev/task-id': task.taskId, 'mlp.dev/map-index': '17' });
  });

  it('has a DNS-label name per attempt, and label values Kubernetes accepts', () => {
    expect(taskJobName(task)).toMatch(/^mlp-task-[0-9a-f]{20}-a3$/);
    expect(taskJobName({ ...task, attempt: 4 })).not.toBe(taskJobName(task));
    expect(labelValue('-weird step/name!-')).toBe('weird-step-name');
    expect(labelValue('x'.repeat(80))).toHaveLength(63);
    expect(labelValue('***')).toBe('x');
  });

  it('the schema check is not a formality: a broken Job is refused', () => {
    const job = renderTaskJob(task, settings) as unknown as { spec: { backoffLimit: unknown } };
    job.spec.backoffLimit = 'none';
    expect(() => new Job(job as never).validate()).toThrow(/backoffLimit/);
  });
});
