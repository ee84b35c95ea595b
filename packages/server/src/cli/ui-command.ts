/** The part of commander's Command `mlp ui` calls. */
export interface UiCommandBuilder<O> {
  command(nameAndArgs: string): UiCommandBuilder<O>;
  description(text: string): UiCommandBuilder<O>;
  option(flags: string, description?: string, defaultValue?: string): UiCommandBuilder<O>;
  action(fn: (options: O) => Promise<void>): UiCommandBuilder<O>;
}

/** The line `mlp ui` prints once the server listens. */
export const uiUrlLine = (url: string) => `mlp web UI: ${url}/\n`;

/**
 * `mlp ui [--host] [--port] [--token-file] [--allowed-hosts]`: `mlp server`, printing the web UI's
 * URL once it listens. server-commands.ts makes it from its `runServer` (so neither imports the other).
 */
export function createUiCommand<C, O extends object>(
  runServer: (context: C, options: O & { signal: AbortSignal; onListening: (url: string) => void }) => Promise<void>,
) {
  return {
    name: 'ui',
    register(program: UiCommandBuilder<O>, context: C): void {
      program
        .command('ui')
        .description(
          'Start the mlp server and print the URL of its web UI (runs, comparisons, and the datasets, models, lineage, pipelines, deployments and alerts of the installed packages); Ctrl-C stops it',
        )
        .option('--host <host>', 'address to bind; 0.0.0.0 serves other machines too', '127.0.0.1')
        .option('--port <port>', 'port to listen on (0 picks a free one)', '5000')
        .option('--token-file <file>', 'require bearer tokens: one per line, "<token> [read|read,write]"')
        .option('--allowed-hosts <hosts>', 'host names clients use besides the address, comma-separated')
        .action(async (options) => {
          const controller = new AbortController();
          const stop = () => controller.abort();
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
          try {
            await runServer(context, { ...options, signal: controller.signal, onListening: (url) => process.stdout.write(uiUrlLine(url)) });
          } finally {
            process.off('SIGINT', stop);
            process.off('SIGTERM', stop);
          }
        });
    },
  };
}
