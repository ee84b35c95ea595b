export { describeExecutorContract, type ExecutorHarness, executorContractPipelinePath } from './executor-contract.js';
