export { type BlobStoreContractOptions, type BlobStoreHarness, runBlobStoreContract } from './blob-store-contract.js';
export { type DatabaseEngineHarness, runDatabaseEngineContract } from './database-engine-contract.js';
export { type EventBusHarness, runEventBusContract } from './event-bus-contract.js';
export {
  type KubernetesApiStandIn,
  type KubernetesApiStandInOptions,
  type StandInEvent,
  type StandInObject,
  type StandInRequest,
  type StandInResource,
  startKubernetesApiStandIn,
} from './kubernetes-api-stand-in.js';
export { createTempDir, type TempDir } from './temp-dir.js';
export { createTestBucket, type TestS3Server, testS3Server } from './test-bucket.js';
export { createTestDatabase, type TestDatabase, testServerUrl } from './test-database.js';
export { openTestWorkspace, type TestEngine, type TestWorkspace } from './test-workspace.js';
