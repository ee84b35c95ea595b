import { fileURLToPath } from 'node:url';
import { startModelServer, startTrafficRouter } from '@mlp/deploy';
import { orchestrateMetrics } from '@mlp/orchestrate';
import type { Registry } from 'prom-client';
import { createMonitorMetrics } from '../monitor-metrics.js';

/**
 * `y = x · W + c`, x [batch, 4] float32, y [batch, 2]: deploy's test `matMulModel`, written once by its ONNX builder
 * (deploy's test support is not published, so the bytes are kept here as a fixture).
 */
export const denseModelFile = fileURLToPath(new URL('./dense.onnx', import.meta.url));

/** Each metric family the registries hold, with its type (counter, gauge, histogram, summary). */
export const exportedFamilies = new Map<string, string>();

async function namesOf(registry: Registry): Promise<string[]> {
  const names: string[] = [];
  for (const metric of await registry.getMetricsAsJSON()) {
    names.push(metric.name);
    exportedFamilies.set(metric.name, String(metric.type));
    if (String(metric.type) === 'histogram') names.push(`${metric.name}_bucket`, `${metric.name}_sum`, `${metric.name}_count`);
    if (String(metric.type) === 'summary') names.push(`${metric.name}_sum`, `${metric.name}_count`);
  }
  return names;
}

/**
 * Every series name mlp exports, read from the packages' own registries: a real model server's, a deployment
 * router's, orchestrate's and the monitor's (histograms with their `_bucket`, `_sum` and `_count` series).
 */
export async function exportedMetricNames(): Promise<Set<string>> {
  const server = await startModelServer({ models: [`dense=${denseModelFile}`], batching: false, threads: 1 });
  const router = await startTrafficRouter({ deployment: 'names' });
  try {
    return new Set([
      ...(await namesOf(server.metrics.registry)),
      ...(await namesOf(router.metrics)),
      ...(await namesOf(orchestrateMetrics)),
      ...(await namesOf(createMonitorMetrics().registry)),
    ]);
  } finally {
    await router.close();
    await server.close();
  }
}

const notMetrics = new Set([
  'sum',
  'min',
  'max',
  'avg',
  'group',
  'stddev',
  'stdvar',
  'count',
  'count_values',
  'bottomk',
  'topk',
  'quantile',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
]);

/** The metric names a PromQL expression reads: identifiers outside strings, label matchers and ranges, not functions. */
export function promqlMetricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '{}')
    .replace(/\[[^\]]*\]/g, '[]')
    // label lists of by/without/on/ignoring/group_*
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '$1');
  const names: string[] = [];
  for (const match of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*(\s*\()?/g)) {
    const [token, call] = [match[0].replace(/\s*\($/, ''), match[1]];
    if (call || notMetrics.has(token) || /^\d/.test(token)) continue;
    if (/^[eE]\d*$/.test(token)) continue;
    names.push(token);
  }
  return names;
}
