import { AnalysisTemplate } from '@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/AnalysisTemplate';
import { Rollout } from '@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/Rollout';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { Service } from 'kubernetes-models/v1/Service';
import { beforeAll, describe, expect, it } from 'vitest';
import { type DeploymentSpecInput, deploymentSpecSchema } from '../deployment/deployment-spec.js';
import { type KubernetesManifest, renderKubernetesManifests } from './kubernetes-manifests.js';

const models: Record<string, new (data: never) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'v1/Service': Service,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'argoproj.io/v1alpha1/Rollout': Rollout,
  'argoproj.io/v1alpha1/AnalysisTemplate': AnalysisTemplate,
};

/** Validates against the official schemas (kubernetes-models' OpenAPI validators); throws naming the problem. */
function validate(manifest: KubernetesManifest): void {
  const Model = models[`${manifest.apiVersion}/${manifest.kind}`];
  if (!Model) throw new Error(`no schema for ${manifest.apiVersion} ${manifest.kind}`);
  new Model(manifest as never).validate();
}

const spec = (input: Partial<DeploymentSpecInput> = {}) =>
  deploymentSpecSchema.parse({
    name: 'flights',
    model: 'models:/flights-delay@champion',
    target: 'kubernetes',
    image: 'registry.example/mlp-model-server:0.1.0',
    namespace: 'ml',
    analysis: ['error_rate<0.01', 'p99_ms<50'],
    replicas: 3,
    ...input,
  });

const kinds = (manifests: KubernetesManifest[]) => manifests.map((m) => m.kind);
// biome-ignore lint/suspicious/noExplicitAny: manifests are JSON, checked field by field with expect
const find = (manifests: KubernetesManifest[], kind: string) => manifests.find((m) => m.kind === kind) as Record<string, any>;

describe('renderKubernetesManifests', () => {
  // The validators compile the large OpenAPI schemas on first use (seconds on a busy machine): done once, here.
  beforeAll(() => {
    for (const manifest of renderKubernetesManifests(spec({ strategy: 'canary' }), 1)) validate(manifest);
    for (const manifest of renderKubernetesManifests(spec(), 1)) validate(manifest);
  }, 120_000);

  for (const strategy of ['rolling', 'canary', 'blue-green'] as const) {
    it(`renders ${strategy} manifests that pass the Kubernetes and Argo Rollouts schemas`, () => {
      const manifests = renderKubernetesManifests(spec({ strategy }), 7);
      for (const manifest of manifests) expect(() => validate(manifest), `${manifest.kind} ${manifest.metadata.name}`).not.toThrow();
      expect(manifests.every((m) => m.metadata.namespace === 'ml')).toBe(true);
    });
  }

  it('a rolling deployment: Deployment with probes on the OIP health routes, non-root, read-only root, Service, HPA and PDB', () => {
    const manifests = renderKubernetesManifests(spec(), 7);
    expect(kinds(manifests)).toEqual(['Service', 'PodDisruptionBudget', 'Deployment', 'HorizontalPodAutoscaler']);
    const deployment = find(manifests, 'Deployment');
    expect(deployment.metadata.annotations['mlp.dev/model-version']).toBe('7');
    expect(deployment.spec.strategy.rollingUpdate).toEqual({ maxUnavailable: 0, maxSurge: 1 });
    expect(deployment.spec.replicas).toBeUndefined();
    const pod = deployment.spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    const [container] = pod.containers;
    expect(container.args.slice(0, 2)).toEqual(['serve', 'models:/flights-delay/7']);
    expect(container.readinessProbe.httpGet).toEqual({ path: '/v2/health/ready', port: 'http' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/v2/health/live', port: 'http' });
    expect(container.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(container.resources.requests).toEqual({ cpu: '500m', memory: '512Mi' });
    expect(find(manifests, 'HorizontalPodAutoscaler').spec).toMatchObject({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'flights' },
      minReplicas: 3,
      maxReplicas: 9,
    });
    expect(find(manifests, 'PodDisruptionBudget').spec).toMatchObject({ minAvailable: 2 });
    expect(find(manifests, 'Service').spec.selector).toEqual(deployment.spec.selector.matchLabels);
  });

  it('a canary: a Rollout stepping through the weights with background analysis of error rate and p99 from Prometheus', () => {
    const manifests = renderKubernetesManifests(spec({ strategy: 'canary', steps: [10, 50, 100], intervalMs: 30_000 }), 8);
    expect(kinds(manifests)).toEqual(['AnalysisTemplate', 'Service', 'PodDisruptionBudget', 'Rollout', 'HorizontalPodAutoscaler']);
    const rollout = find(manifests, 'Rollout');
    expect(rollout.spec.progressDeadlineAbort).toBe(true);
    expect(rollout.spec.strategy.canary.steps).toEqual([
      { setWeight: 10 },
      { pause: { duration: '30s' } },
      { setWeight: 50 },
      { pause: { duration: '30s' } },
    ]);
    expect(rollout.spec.strategy.canary.analysis).toEqual({
      templates: [{ templateName: 'flights-analysis' }],
      args: [
        { name: 'model', value: 'flights-delay' },
        { name: 'version', value: '8' },
      ],
      startingStep: 1,
    });
    const metrics = find(manifests, 'AnalysisTemplate').spec.metrics;
    expect(metrics.map((m: { name: string }) => m.name)).toEqual(['1-error-rate-0-01', '2-p99-ms-50']);
    expect(metrics[0].provider.prometheus.query).toContain(
      'mlp_model_requests_total{model="{{args.model}}",version="{{args.version}}",status=~"5.."}',
    );
    expect(metrics[0].successCondition).toBe('len(result) == 0 || isNaN(result[0]) || result[0] < 0.01');
    expect(metrics[1].provider.prometheus.query).toContain('histogram_quantile(0.99');
    expect(find(manifests, 'HorizontalPodAutoscaler').spec.scaleTargetRef.kind).toBe('Rollout');
  });

  it('blue-green: active and preview Services, pre-promotion analysis; no AnalysisTemplate without conditions', () => {
    const manifests = renderKubernetesManifests(spec({ strategy: 'blue-green' }), 2);
    const blueGreen = find(manifests, 'Rollout').spec.strategy.blueGreen;
    expect(blueGreen).toMatchObject({
      activeService: 'flights',
      previewService: 'flights-preview',
      prePromotionAnalysis: { templates: [{ templateName: 'flights-analysis' }] },
    });
    expect(manifests.filter((m) => m.kind === 'Service').map((m) => m.metadata.name)).toEqual(['flights', 'flights-preview']);
    expect(kinds(renderKubernetesManifests(spec({ strategy: 'blue-green', analysis: [] }), 2))).not.toContain('AnalysisTemplate');
  });

  it('refuses a spec without an image, and a version that is not a number', () => {
    expect(() => renderKubernetesManifests(spec({ image: undefined }), 1)).toThrow(/names no image/);
    expect(() => renderKubernetesManifests(spec(), 'latest')).toThrow(/whole number/);
  });

  it('the schema check catches a broken manifest (the validation is not a formality)', () => {
    const deployment = find(renderKubernetesManifests(spec(), 1), 'Deployment');
    deployment.spec.template.spec.containers[0].ports[0].containerPort = 'eighty';
    expect(() => validate(deployment as KubernetesManifest)).toThrow(/containerPort/);
    const rollout = find(renderKubernetesManifests(spec({ strategy: 'canary' }), 1), 'Rollout');
    rollout.spec.strategy.canary.steps = 'all at once';
    expect(() => validate(rollout as KubernetesManifest)).toThrow(/steps/);
  });
});
