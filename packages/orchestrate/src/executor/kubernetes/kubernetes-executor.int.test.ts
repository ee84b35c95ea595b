import { openTestWorkspace } from '@mlp/core/testing';
import { describe, expect, it } from 'vitest';
import { kubernetesExecutorOptionsFromEnv, openKubernetesExecutor } from './kubernetes-executor.js';

describe('kubernetes executor settings', () => {
  it('refuses what a Job cannot reach or run: no image, the embedded database', async () => {
    const test = await openTestWorkspace('embedded', 'mlp-orchestrate-k8s-refusals-');
    try {
      await expect(openKubernetesExecutor(test.workspace, { image: '' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      await expect(openKubernetesExecutor(test.workspace, { image: 'x' })).rejects.toThrow(/cannot reach the embedded database/);
    } finally {
      await test.cleanup();
    }
  });

  it('reads its settings from MLP_KUBERNETES_* variables', () => {
    expect(
      kubernetesExecutorOptionsFromEnv({
        MLP_KUBERNETES_IMAGE: 'img:1',
        MLP_KUBERNETES_NAMESPACE: 'ml',
        MLP_KUBERNETES_SECRET: 's',
        MLP_KUBERNETES_SERVICE_ACCOUNT: '',
      }),
    ).toEqual({ image: 'img:1', namespace: 'ml', secretName: 's' });
  });
});
