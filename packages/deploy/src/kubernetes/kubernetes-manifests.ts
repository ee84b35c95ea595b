import { MlpError } from '@mlp/core';
import { parseAnalysisConditions } from '../analysis/analysis-condition.js';
import { promqlFor } from '../analysis/analysis-probe.js';
import type { DeploymentSpec } from '../deployment/deployment-spec.js';
import { type KubernetesManifest, podTemplate, type RenderOptions, selectorLabels } from './pod-template.js';

export type { KubernetesManifest, RenderOptions } from './pod-template.js';

/** The registered model's name in `models:/NAME@ALIAS` or `models:/NAME/VERSION`. */
export function modelNameOf(model: string): string {
  return /^models:\/([^/@]+)/.exec(model)?.[1] ?? model;
}

/**
 * The Kubernetes objects of a deployment serving `modelVersion` (always pinned: `models:/NAME/VERSION`,
 * so a rollout is a change of the pod template): a Deployment for `rolling`, an Argo Rollouts
 * `Rollout` (with an `AnalysisTemplate` when the spec has analysis conditions) for `canary` and
 * `blue-green`; a Service (and a preview Service for blue-green), an autoscaling/v2
 * HorizontalPodAutoscaler and a PodDisruptionBudget. In apply order.
 */
export function renderKubernetesManifests(
  spec: DeploymentSpec,
  modelVersion: string | number,
  options: RenderOptions = {},
): KubernetesManifest[] {
  if (!spec.image)
    throw new MlpError(
      'INVALID_ARGUMENT',
      `deployment '${spec.name}' targets Kubernetes but names no image: give the model-server image (built from packages/deploy/Dockerfile) with --image.`,
    );
  const version = String(modelVersion);
  if (!/^\d+$/.test(version)) throw new MlpError('INVALID_ARGUMENT', `the model version to deploy is a whole number, not '${version}'.`);
  const namespace = spec.namespace ?? options.namespace ?? 'default';
  const modelName = modelNameOf(spec.model);
  const labels = {
    ...selectorLabels(spec.name),
    'app.kubernetes.io/component': 'model-server',
    'app.kubernetes.io/managed-by': 'mlp',
    'app.kubernetes.io/version': version,
  };
  const meta = (name: string, extra: Record<string, unknown> = {}) => ({ name, namespace, labels, ...extra });
  const template = podTemplate(spec, modelName, version, options);
  const progressDeadlineSeconds = Math.max(60, Math.ceil(spec.readyTimeoutMs / 1000));
  const conditions = parseAnalysisConditions(spec.analysis);
  const progressive = spec.strategy !== 'rolling';
  const analysisName = `${spec.name}-analysis`;
  const withAnalysis = progressive && conditions.length > 0;
  const analysisArgs = [
    { name: 'model', value: modelName },
    { name: 'version', value: version },
  ];
  const workloadRef = progressive
    ? { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: spec.name }
    : { apiVersion: 'apps/v1', kind: 'Deployment', name: spec.name };
  const annotations = { 'mlp.dev/model': spec.model, 'mlp.dev/model-version': version };

  const manifests: KubernetesManifest[] = [];
  if (withAnalysis) {
    const seconds = Math.max(10, Math.round(spec.intervalMs / 1000));
    const address = spec.prometheusUrl ?? options.prometheusUrl ?? 'http://prometheus-operated.monitoring.svc:9090';
    manifests.push({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AnalysisTemplate',
      metadata: meta(analysisName),
      spec: {
        args: [{ name: 'model' }, { name: 'version' }],
        metrics: conditions.map((condition, index) => {
          const rate = ['error_rate', 'failure_rate', 'latency'].includes(condition.measure.kind);
          const check = `result[0] ${condition.op} ${condition.threshold}`;
          return {
            name: `${index + 1}-${condition.text
              .toLowerCase()
              .replace(/[^a-z0-9]+/g, '-')
              .replace(/^-|-$/g, '')}`.slice(0, 63),
            interval: `${seconds}s`,
            failureLimit: 0,
            // No traffic in the window is no evidence against the canary for a rate; a count must be met.
            successCondition: rate ? `len(result) == 0 || isNaN(result[0]) || ${check}` : `len(result) > 0 && ${check}`,
            provider: {
              prometheus: {
                address,
                query: promqlFor(condition.measure, { model: '{{args.model}}', version: '{{args.version}}' }, seconds),
              },
            },
          };
        }),
      },
    });
  }
  manifests.push({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(spec.name),
    spec: {
      type: 'ClusterIP',
      selector: selectorLabels(spec.name),
      ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
    },
  });
  if (spec.strategy === 'blue-green')
    manifests.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(`${spec.name}-preview`),
      spec: {
        type: 'ClusterIP',
        selector: selectorLabels(spec.name),
        ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
      },
    });
  manifests.push({
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: meta(spec.name),
    spec: {
      ...(spec.replicas > 1 ? { minAvailable: spec.replicas - 1 } : { maxUnavailable: 1 }),
      selector: { matchLabels: selectorLabels(spec.name) },
    },
  });
  const common = {
    // No replicas: the HorizontalPodAutoscaler owns the count (an applied count would fight it).
    revisionHistoryLimit: 5,
    progressDeadlineSeconds,
    selector: { matchLabels: selectorLabels(spec.name) },
    template,
  };
  if (!progressive) {
    manifests.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(spec.name, { annotations }),
      spec: { ...common, strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } } },
    });
  } else {
    const analysis = withAnalysis ? { templates: [{ templateName: analysisName }], args: analysisArgs } : undefined;
    const pause = { pause: { duration: `${Math.max(1, Math.round(spec.intervalMs / 1000))}s` } };
    const strategy =
      spec.strategy === 'canary'
        ? {
            canary: {
              maxUnavailable: 0,
              maxSurge: '25%',
              steps: spec.steps.filter((weight) => weight < 100).flatMap((weight) => [{ setWeight: weight }, pause]),
              ...(analysis ? { analysis: { ...analysis, startingStep: 1 } } : {}),
            },
          }
        : {
            blueGreen: {
              activeService: spec.name,
              previewService: `${spec.name}-preview`,
              autoPromotionEnabled: true,
              scaleDownDelaySeconds: 30,
              ...(analysis ? { prePromotionAnalysis: analysis } : {}),
            },
          };
    manifests.push({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: meta(spec.name, { annotations }),
      spec: { ...common, progressDeadlineAbort: true, strategy },
    });
  }
  const maxReplicas = options.maxReplicas ?? Math.max(spec.replicas * 3, spec.replicas + 1);
  manifests.push({
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: meta(spec.name),
    spec: {
      scaleTargetRef: workloadRef,
      minReplicas: spec.replicas,
      maxReplicas,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
    },
  });
  return manifests;
}
