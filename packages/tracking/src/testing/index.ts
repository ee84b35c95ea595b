export { runTrackingStoreContract, type TrackingStoreContractOptions, type TrackingStoreHarness } from './tracking-store-contract.js';
