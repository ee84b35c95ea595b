import type { DeploymentSpec } from '../deployment/deployment-spec.js';
import { featureServeArgs } from '../enrichment/feature-enrichment.js';

/** One rendered object: plain JSON, as applied. */
export interface KubernetesManifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
}

export interface RenderOptions {
  /** Namespace when the spec names none (default `default`). */
  namespace?: string;
  /** A Secret whose keys become the server's environment: MLP_DATABASE_URL, blob-store credentials. */
  secretName?: string;
  /** Plain environment variables for the server (MLP_BLOBS_URL, ...). */
  env?: Record<string, string>;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  serviceAccountName?: string;
  /** The Prometheus the analysis queries when the spec names none. */
  prometheusUrl?: string;
  /** The autoscaler's ceiling (default three times the spec's replicas). */
  maxReplicas?: number;
}

export const serverPort = 8080;

export const defaultServerResources = { requests: { cpu: '500m', memory: '512Mi' }, limits: { memory: '1Gi' } };

/** The labels that select a deployment's pods (stable across revisions). */
export function selectorLabels(name: string): Record<string, string> {
  return { 'app.kubernetes.io/name': 'mlp-model-server', 'app.kubernetes.io/instance': name };
}

/**
 * The model server's pod: `mlp serve models:/NAME/VERSION` on port 8080, probed on the Open Inference
 * Protocol's health routes (startup and liveness on `/v2/health/live`, readiness on
 * `/v2/health/ready`, which turns false on SIGTERM while the server drains), non-root with a
 * read-only root filesystem (a writable /tmp), all capabilities dropped, scraped by Prometheus.
 */
export function podTemplate(spec: DeploymentSpec, modelName: string, version: string, options: RenderOptions) {
  const probe = (path: string, periodSeconds: number, failureThreshold: number) => ({
    httpGet: { path, port: 'http' },
    periodSeconds,
    timeoutSeconds: 2,
    failureThreshold,
  });
  const env = [
    { name: 'MLP_WORKSPACE', value: '/workspace' },
    { name: 'NODE_ENV', value: 'production' },
    ...Object.entries(options.env ?? {}).map(([name, value]) => ({ name, value })),
  ];
  return {
    metadata: {
      labels: { ...selectorLabels(spec.name), 'mlp.dev/model': modelName.slice(0, 63), 'mlp.dev/model-version': version },
      annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(serverPort), 'prometheus.io/path': '/metrics' },
    },
    spec: {
      automountServiceAccountToken: false,
      ...(options.serviceAccountName ? { serviceAccountName: options.serviceAccountName } : {}),
      terminationGracePeriodSeconds: 45,
      securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'model-server',
          image: spec.image,
          imagePullPolicy: 'IfNotPresent',
          command: ['mlp'],
          args: [
            'serve',
            `models:/${modelName}/${version}`,
            '--host',
            '0.0.0.0',
            '--port',
            String(serverPort),
            // Probes and the Service reach pods by IP and service name: any Host header is accepted.
            '--allowed-hosts',
            '*',
            '--deployment',
            spec.name,
            ...featureServeArgs(spec.features),
          ],
          ports: [{ name: 'http', containerPort: serverPort, protocol: 'TCP' }],
          env,
          ...(options.secretName ? { envFrom: [{ secretRef: { name: options.secretName } }] } : {}),
          resources: options.resources ?? defaultServerResources,
          startupProbe: probe('/v2/health/live', 2, 30),
          livenessProbe: probe('/v2/health/live', 10, 3),
          readinessProbe: probe('/v2/health/ready', 5, 2),
          // Endpoints drop the pod a moment after it is told to stop; the server drains in-flight requests on SIGTERM.
          lifecycle: { preStop: { exec: { command: ['sleep', '5'] } } },
          securityContext: {
            runAsNonRoot: true,
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ['ALL'] },
          },
          volumeMounts: [
            { name: 'tmp', mountPath: '/tmp' },
            { name: 'workspace', mountPath: '/workspace' },
          ],
        },
      ],
      volumes: [
        { name: 'tmp', emptyDir: {} },
        { name: 'workspace', emptyDir: {} },
      ],
    },
  };
}
