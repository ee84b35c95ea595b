import { z } from 'zod';
import { featureEnrichmentSpecSchema } from '../enrichment/feature-enrichment.js';

/**
 * What a deployment is asked to be: the model it follows (a registry alias, so a promotion deploys),
 * where it runs and how a new version rolls out. The local target and the Kubernetes target read the
 * same spec; each ignores only what cannot apply to it.
 */
export const deploymentStrategies = ['rolling', 'blue-green', 'canary'] as const;
export const deploymentTargets = ['local', 'kubernetes'] as const;

export const deploymentSpecSchema = z.object({
  /** DNS-label name: it becomes process titles and Kubernetes object names. */
  name: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'a deployment name is lower-case letters, digits and dashes (a DNS label)'),
  /** `models:/NAME@ALIAS` (followed) or `models:/NAME/VERSION` (pinned). */
  model: z.string().regex(/^models:\/[^/@]+(@[^/@]+|\/\d+)$/, 'the model is models:/NAME@ALIAS or models:/NAME/VERSION'),
  target: z.enum(deploymentTargets).default('local'),
  strategy: z.enum(deploymentStrategies).default('rolling'),
  /** Canary traffic weights in percent, the last one 100 (e.g. 10, 50, 100). */
  steps: z.array(z.number().int().min(1).max(100)).min(1).default([10, 50, 100]),
  /** Analysis conditions that must hold at each step, e.g. `error_rate<0.01`, `p99_ms<50`. */
  analysis: z.array(z.string().min(1)).default([]),
  /** Time between analysis checks and canary steps, in ms. */
  intervalMs: z.number().int().positive().default(30_000),
  replicas: z.number().int().min(1).max(64).default(1),
  /** The port the deployment answers on (local target: its router). */
  port: z.number().int().min(0).max(65_535).optional(),
  /** Where a signed webhook goes when the deployment rolls back (HMAC-SHA256, `x-mlp-signature-256`). */
  webhookUrl: z.string().url().optional(),
  /** Analysis reads this Prometheus server's query API instead of scraping the model servers. */
  prometheusUrl: z.string().url().optional(),
  /** A/B: serve the registry's weighted alias set of this name (`setTrafficSplit`) as a split sticky by `stickyHeader`. */
  trafficSplit: z.string().min(1).optional(),
  /** The request header whose value keeps a client on one A/B variant. */
  stickyHeader: z.string().min(1).default('x-mlp-request-key'),
  /** How long a revision's servers may take to become ready before its rollout fails. */
  readyTimeoutMs: z.number().int().positive().default(120_000),
  /** Kubernetes only: namespace and the model-server image. */
  namespace: z.string().optional(),
  image: z.string().optional(),
  /** Kubernetes only: the kubeconfig file the controller uses (default: the agent's KUBECONFIG, ~/.kube/config or in-cluster). */
  kubeconfig: z.string().min(1).optional(),
  /** Request enrichment from the online feature store: the servers get `--features VIEW --entity-key-field …`. */
  features: featureEnrichmentSpecSchema.optional(),
});

export type DeploymentSpecInput = z.input<typeof deploymentSpecSchema>;
export type DeploymentSpec = z.output<typeof deploymentSpecSchema>;
export type DeploymentStrategy = (typeof deploymentStrategies)[number];
export type DeploymentTarget = (typeof deploymentTargets)[number];
