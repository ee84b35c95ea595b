import { describe, expect, it } from 'vitest';
import { deploymentSpecSchema } from '../deployment/deployment-spec.js';
import { renderKubernetesManifests } from './kubernetes-manifests.js';
import { kubernetesRenderOptionsFromEnv } from './kubernetes-target-env.js';

describe('kubernetesRenderOptionsFromEnv', () => {
  it('reads the model servers’ Secret from MLP_DEPLOY_KUBERNETES_SECRET; the rendered pods load it', () => {
    expect(kubernetesRenderOptionsFromEnv({})).toEqual({});
    expect(kubernetesRenderOptionsFromEnv({ MLP_DEPLOY_KUBERNETES_SECRET: ' ' })).toEqual({});
    const options = kubernetesRenderOptionsFromEnv({ MLP_DEPLOY_KUBERNETES_SECRET: 'mlp-secrets' });
    expect(options).toEqual({ secretName: 'mlp-secrets' });
    const spec = deploymentSpecSchema.parse({ name: 'f', model: 'models:/f@champion', target: 'kubernetes', image: 'img:1' });
    const workload = renderKubernetesManifests(spec, 1, options).find((m) => m.kind === 'Deployment');
    if (!workload) throw new Error('no Deployment rendered');
    // biome-ignore lint/suspicious/noExplicitAny: the manifest is JSON
    expect((workload.spec as any).template.spec.containers[0].envFrom).toEqual([{ secretRef: { name: 'mlp-secrets' } }]);
  });

  it('refuses a value that is not a Secret name', () => {
    expect(() => kubernetesRenderOptionsFromEnv({ MLP_DEPLOY_KUBERNETES_SECRET: 'Not A Name' })).toThrow(/not a Secret name/);
  });
});
