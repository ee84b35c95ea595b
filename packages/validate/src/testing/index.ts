export { type ContractCase, contractCases } from './contract-cases.js';
export { type ContractTable, contractTable, emptyContractTable } from './contract-data.js';
export { type EngineContractHarness, runEngineContract } from './engine-contract.js';
