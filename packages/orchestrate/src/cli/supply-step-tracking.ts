import type { CliContext } from '@mlp/cli';
import type { Workspace } from '@mlp/core';

/**
 * Registers the installed tracking package's `stepTracking` service on the workspace the CLI opened, so
 * steps run here that ask for a tracking run get one (`ctx.run`). Without @mlp/tracking, nothing.
 */
export async function supplyStepTracking(context: CliContext, workspace: Workspace): Promise<Workspace> {
  if (workspace.plugins.list('stepTracking').length > 0) return workspace;
  const provider = await context.service('stepTracking');
  if (provider) workspace.plugins.register('stepTracking', provider);
  return workspace;
}
