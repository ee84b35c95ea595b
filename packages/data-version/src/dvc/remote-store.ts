import { createFolderRemote } from './folder-remote-store.js';
import type { RemoteSettings } from './remote-config.js';
import { describeRemote, type RemoteStore } from './remote-object.js';
import { openS3Remote } from './s3-remote-store.js';

export type { DownloadedObject, RemoteStore } from './remote-object.js';

/** Opens the store of a configured remote. The S3 SDK is loaded only for s3:// remotes. */
export async function openRemoteStore(remote: RemoteSettings): Promise<RemoteStore> {
  if (remote.folder !== undefined) return createFolderRemote(remote.folder, describeRemote(remote));
  return openS3Remote(remote);
}
