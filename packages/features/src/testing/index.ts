export { type OnlineStoreHarness, runOnlineStoreContract } from './online-store-contract.js';
