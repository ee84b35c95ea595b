import type { CliContext } from '@mlp/cli';
import { currentActor } from '@mlp/core';
import { openRegistry, type Registry } from '../open-registry.js';

/** The registry on the workspace the CLI opened; the CLI closes both when the command ends. */
export async function openCliRegistry(context: CliContext): Promise<Registry> {
  const workspace = await context.openWorkspace();
  return context.closeAfter(await openRegistry(workspace, { actor: currentActor({ env: context.env }), env: context.env }));
}
