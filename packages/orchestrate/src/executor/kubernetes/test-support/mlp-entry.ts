// The `mlp` command of a simulated container: the CLI with the orchestrate commands (what
// `mlp pipeline exec-task` needs), from the sources. The simulated kubelet starts it ahead of time
// (as a node keeps an image pulled), with the pipeline modules the image ships already imported
// (argv), and sends it one Job's args and environment over IPC; it runs that one command and exits
// with its code, as the container's process would.
import { runCli } from '@mlp/cli';
import { orchestrateCommands } from '../../../cli/pipeline-commands.js';
import { loadPipeline } from '../../../load/load-pipeline.js';

for (const modulePath of process.argv.slice(2)) await loadPipeline(modulePath, process.cwd());

process.once('message', async (message: { args: string[]; env: Record<string, string> }) => {
  Object.assign(process.env, message.env);
  const exitCode = await runCli(message.args, { modules: [orchestrateCommands] });
  process.exitCode = exitCode;
  process.disconnect?.();
  setTimeout(() => process.exit(exitCode), 2000).unref();
});
process.send?.('ready');
