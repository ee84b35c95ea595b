import type { CliContext } from '@mlp/cli';
import { createRegistry, defaultActor, type Registry } from '../create-registry.js';

/** The registry on the workspace the CLI opened (the CLI closes the workspace after the command). */
export async function openRegistry(context: CliContext): Promise<Registry> {
  const workspace = await context.openWorkspace();
  return createRegistry(workspace, { actor: defaultActor(context.env) });
}
