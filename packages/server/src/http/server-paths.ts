import path from 'node:path';
import type { Workspace } from '@mlp/core';

/** The server's own folders, longest first, with the name a message shows instead. */
export type ServerPaths = ReadonlyArray<readonly [folder: string, label: string]>;

export function serverPathsOf(workspace: Pick<Workspace, 'config' | 'blobs'>): ServerPaths {
  const candidates: Array<[string, string]> = [
    [workspace.config.dir, '<workspace>'],
    [workspace.config.stateDir, '<workspace state>'],
    [workspace.blobs.location, '<blob store>'],
  ];
  return candidates
    .filter(([folder]) => path.isAbsolute(folder) && folder !== path.parse(folder).root)
    .sort(([a], [b]) => b.length - a.length);
}

/**
 * The last guard of the HTTP error path: whatever a message still says about the server's folders
 * becomes a label, so no client learns where the workspace lives.
 */
export function hideServerPaths(message: string, paths: ServerPaths): string {
  let text = message;
  for (const [folder, label] of paths) text = text.replaceAll(folder, label);
  return text;
}
