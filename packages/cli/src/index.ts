export { type Cli, type CliOptions, createCli, runCli } from './cli.js';
export type { CliIo } from './cli-context.js';
export { type CliFailure, describeFailure, USAGE_EXIT_CODE } from './cli-failure.js';
export type { CliCommandModule, CliContext, GlobalOptions, OpenWorkspaceOptions } from './command-module.js';
export { coreCommands } from './commands/core-commands.js';
export type { DoctorCheck, DoctorReport } from './doctor/doctor-check.js';
export { knownCommandPackages, loadInstalledModules } from './installed-modules.js';
export { freeformJsonKeys, type JsonConventionOptions, jsonConventionViolations } from './json-convention.js';
export { type CliStream, renderTable, type TextTable } from './output.js';
export {
  type CounterOptions,
  createProgressDisplay,
  formatBytes,
  formatDuration,
  type ProgressCounter,
  type ProgressDisplay,
  type ProgressDisplayOptions,
  type ProgressStream,
} from './progress-display.js';
export { type BuiltCliRunOptions, mlpBin, runBuiltCli } from './run-built-cli.js';
export {
  type CapturedRun,
  type CapturedRunOptions,
  type ParseJsonOutputOptions,
  parseJsonOutput,
  runCliCaptured,
  withoutMlpVariables,
} from './run-cli-captured.js';
export { type StopOnSignalOptions, type StopReason, stopOnSignal } from './stop-on-signal.js';
export { type WorkspaceCliOptions, workspaceCli } from './workspace-cli.js';
