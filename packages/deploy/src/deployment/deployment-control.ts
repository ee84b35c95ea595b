import type { DeploymentControl, Workspace } from '@mlp/core';
import { rollbackDeployment } from './deployment-operations.js';
import { deploymentHistory, getDeployment, listDeployments } from './deployment-store.js';

/** Deployments as core's `DeploymentControl`: what `mlp server`'s web UI reads and its rollback button does. */
export function createDeploymentControl(workspace: Workspace): DeploymentControl {
  return {
    list: () => listDeployments(workspace),
    get: (name) => getDeployment(workspace, name),
    history: (name) => deploymentHistory(workspace, name),
    rollback: (name, options = {}) => rollbackDeployment(workspace, name, options),
  };
}
