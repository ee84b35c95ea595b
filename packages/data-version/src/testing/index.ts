export type { DownloadedObject, RemoteStore } from '../dvc/remote-object.js';
export { type RemoteStoreContractOptions, type RemoteStoreHarness, runRemoteStoreContract } from './remote-store-contract.js';
