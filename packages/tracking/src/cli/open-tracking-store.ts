import type { CliContext } from '@mlp/cli';
import type { Workspace } from '@mlp/core';
import { openSqlTrackingStore } from '../store/sql-tracking-store.js';
import type { TrackingStore } from '../store/tracking-store.js';

/** The workspace the CLI opened (it closes it after the command) and the tracking store on its database. */
export async function openTrackingStore(context: CliContext): Promise<{ workspace: Workspace; store: TrackingStore }> {
  const workspace = await context.openWorkspace();
  return { workspace, store: await openSqlTrackingStore(workspace) };
}
