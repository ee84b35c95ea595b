import type { DeploymentControl, DeploymentView } from '@mlp/core';
import { int64, message, string } from '@mlp/core/http';
import { jsonRoute, type TrackingRoute } from '../../mlflow/tracking-route.js';

function deploymentJson(deployment: DeploymentView) {
  const spec = (deployment.spec ?? {}) as Record<string, unknown>;
  return {
    name: deployment.name,
    model_name: deployment.modelName,
    alias: deployment.alias,
    status: deployment.status,
    endpoint: deployment.endpoint,
    generation: deployment.generation,
    strategy: typeof spec.strategy === 'string' ? spec.strategy : null,
    target: typeof spec.target === 'string' ? spec.target : null,
    created_time: deployment.createdTime,
    updated_time: deployment.updatedTime,
    revisions: deployment.revisions.map((rev) => ({
      revision: rev.revision,
      model_version: rev.modelVersion,
      weight: rev.weight,
      status: rev.status,
      step: rev.step,
      step_started_time: rev.stepStartedTime,
      analysis_rounds: rev.analysisRounds,
      variant: rev.variant,
      created_time: rev.createdTime,
      updated_time: rev.updatedTime,
    })),
  };
}

/** Deployments: traffic split over revisions, rollout history, and rollback by hand (write scope). */
export function deploymentRoutes(deployments: DeploymentControl): TrackingRoute[] {
  return [
    jsonRoute('GET', 'ui/deployments', 'read', message({}), async () => ({
      deployments: (await deployments.list()).map(deploymentJson),
    })),
    jsonRoute('GET', 'ui/deployments/{name}', 'read', message({ name: string.required() }), async (input) => {
      const [deployment, history] = await Promise.all([deployments.get(input.name), deployments.history(input.name)]);
      return {
        deployment: deploymentJson(deployment),
        history: history.map((entry) => ({
          at: entry.at,
          action: entry.action,
          from_version: entry.fromVersion,
          to_version: entry.toVersion,
          reason: entry.reason,
          details: entry.details,
        })),
      };
    }),
    jsonRoute(
      'POST',
      'ui/deployments/{name}/rollback',
      'write',
      message({ name: string.required(), to_revision: int64.optional(), reason: string.optional() }),
      async (input, context) => {
        const by = context.tokenId ? ` (token ${context.tokenId})` : '';
        const deployment = await deployments.rollback(input.name, {
          ...(input.to_revision !== undefined ? { toRevision: input.to_revision } : {}),
          reason: input.reason ? `${input.reason}${by}` : `rolled back from the web UI${by}`,
        });
        return { deployment: deploymentJson(deployment) };
      },
    ),
  ];
}
