import { MlpError } from '@mlp/core';
import type { RenderOptions } from './pod-template.js';

/** A Secret whose keys become the model servers' environment on Kubernetes (MLP_DATABASE_URL, blob settings). */
export const kubernetesSecretVariable = 'MLP_DEPLOY_KUBERNETES_SECRET';

/**
 * The render options the deploy agent and `mlp deploy render` take from the environment: without the
 * Secret a model server on Kubernetes has no database to resolve `models:/NAME/VERSION` from.
 */
export function kubernetesRenderOptionsFromEnv(env: Readonly<Record<string, string | undefined>>): Pick<RenderOptions, 'secretName'> {
  const secretName = env[kubernetesSecretVariable]?.trim();
  if (!secretName) return {};
  if (!/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(secretName))
    throw new MlpError(
      'INVALID_ARGUMENT',
      `${kubernetesSecretVariable}=${JSON.stringify(secretName)} is not a Secret name (lower-case letters, digits, '-' and '.'); fix or unset it.`,
    );
  return { secretName };
}
