import path from 'node:path';
import { createTempDir } from '@mlp/core/testing';
import { runRemoteStoreContract } from '../testing/remote-store-contract.js';
import { createFolderRemote } from './folder-remote-store.js';

runRemoteStoreContract('folder', async () => {
  const temp = await createTempDir('mlp-folder-remote-contract-');
  return { store: createFolderRemote(path.join(temp.path, 'remote'), "remote 'contract' (folder)"), cleanup: () => temp.remove() };
});
