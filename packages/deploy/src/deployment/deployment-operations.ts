import { randomBytes } from 'node:crypto';
import { formatZodIssues, MlpError, toMlpError, type Workspace } from '@mlp/core';
import { parseModelUri, type Registry } from '@mlp/registry';
import { parseAnalysisConditions } from '../analysis/analysis-condition.js';
import { rollbackChange } from './deployment-changes.js';
import { type DeploymentSpecInput, deploymentSpecSchema } from './deployment-spec.js';
import { changeDeployment, type DeploymentRecord, getDeployment, insertDeployment, removeDeployment } from './deployment-store.js';
import { resolveSplit, type SplitRegistry } from './traffic-split.js';

/** A new deployment and, when it has a webhook, the secret its webhooks are signed with (shown once). */
export interface AddedDeployment {
  deployment: DeploymentRecord;
  webhookSecret: string | null;
}

/**
 * Records a deployment of `spec.model`: the alias (or version) must exist now, so a typo fails here
 * rather than in the controller. The controller starts it; a later promotion of the alias rolls out.
 */
export async function addDeployment(
  workspace: Workspace,
  registry: Pick<Registry, 'resolve'> & SplitRegistry,
  input: DeploymentSpecInput,
): Promise<AddedDeployment> {
  const parsed = deploymentSpecSchema.safeParse(input);
  if (!parsed.success) throw new MlpError('INVALID_ARGUMENT', `The deployment is not valid: ${formatZodIssues(parsed.error)}.`);
  const spec = parsed.data;
  parseAnalysisConditions(spec.analysis);
  if (spec.strategy === 'canary' && spec.steps.some((step, index) => index > 0 && step <= (spec.steps[index - 1] as number)))
    throw new MlpError('INVALID_ARGUMENT', `Canary steps must grow, such as 10,50,100; got ${spec.steps.join(',')}.`);
  const reference = parseModelUri(spec.model);
  let version: number;
  try {
    version = (await registry.resolve(reference)).version;
  } catch (error) {
    const failure = toMlpError(error);
    if (failure.code !== 'NOT_FOUND') throw failure;
    throw new MlpError(
      'NOT_FOUND',
      'alias' in reference
        ? `Model '${reference.name}' has no alias '${reference.alias}' (${failure.message}): set it first with \`mlp models alias set ${reference.name} ${reference.alias} VERSION\`, then create the deployment.`
        : `${spec.model} does not exist (${failure.message}): register the version first, or follow an alias.`,
    );
  }
  const webhookSecret = spec.webhookUrl ? randomBytes(24).toString('base64url') : null;
  // A/B: the split's aliases are served side by side, each a variant with its share.
  const variants = spec.trafficSplit ? await resolveSplit(registry, reference.name, spec.trafficSplit) : undefined;
  const deployment = await insertDeployment(workspace, {
    spec,
    modelName: reference.name,
    alias: 'alias' in reference ? (reference.alias ?? null) : null,
    modelVersion: version,
    webhookSecret,
    ...(variants && { variants }),
  });
  return { deployment, webhookSecret };
}

/** Rolls a deployment back by hand (`mlp deploy rollback`): see `rollbackChange` for which revision. */
export function rollbackDeployment(
  workspace: Workspace,
  name: string,
  options: { toRevision?: number; reason?: string } = {},
): Promise<DeploymentRecord> {
  return changeDeployment(workspace, name, (current) =>
    rollbackChange(current, {
      ...(options.toRevision !== undefined && { toRevision: options.toRevision }),
      reason: options.reason ?? 'rolled back by hand',
      automatic: false,
    }),
  );
}

/** Holds a rollout at its current step (traffic stays as it is) until `resumeDeployment`. */
export function pauseDeployment(workspace: Workspace, name: string, reason?: string): Promise<DeploymentRecord> {
  return changeDeployment(workspace, name, (current) =>
    current.status === 'paused'
      ? undefined
      : {
          status: 'paused',
          history: { action: 'paused', fromVersion: null, toVersion: null, reason: reason ?? 'paused by hand' },
          event: { type: 'paused', payload: {} },
        },
  );
}

export function resumeDeployment(workspace: Workspace, name: string, reason?: string): Promise<DeploymentRecord> {
  return changeDeployment(workspace, name, (current) => {
    if (current.status !== 'paused') return undefined;
    const progressing = current.revisions.findLast((rev) => rev.status === 'progressing');
    return {
      status: progressing ? 'progressing' : 'healthy',
      history: { action: 'resumed', fromVersion: null, toVersion: null, reason: reason ?? 'resumed by hand' },
      event: { type: 'resumed', payload: {} },
    };
  });
}

export async function deleteDeployment(workspace: Workspace, name: string): Promise<void> {
  await getDeployment(workspace, name);
  await removeDeployment(workspace, name);
}
