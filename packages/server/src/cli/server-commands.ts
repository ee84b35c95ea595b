import { createConsoleLogger, type Logger, type LogLevel, MlpError, type Workspace } from '@mlp/core';
import type { FeatureService } from '@mlp/features/server';
import { openPipelineService } from '@mlp/orchestrate/server';
import { openRegistry } from '@mlp/registry';
import { openSqlTrackingStore } from '@mlp/tracking';
import { createServer } from '../create-server.js';
import { hideServerPaths, serverPathsOf } from '../http/server-paths.js';
import { readTokenFile } from './token-file.js';
import { createUiCommand } from './ui-command.js';
import { openUiServices, type ServiceLookup } from './ui-services.js';

/** The part of the CLI's context `mlp server` uses (a structural subset of `@mlp/cli`'s CliContext). */
export interface ServerCommandsContext extends ServiceLookup {
  readonly options: { readonly logLevel: LogLevel | undefined };
  openWorkspace(options?: { applicationName?: string }): Promise<Workspace>;
}

/** The part of commander's Command this module calls, so the server need not depend on the CLI. */
interface CommandBuilder {
  command(nameAndArgs: string): CommandBuilder;
  description(text: string): CommandBuilder;
  option(flags: string, description?: string, defaultValue?: string): CommandBuilder;
  action(fn: (options: ServerCommandOptions) => Promise<void>): CommandBuilder;
}

export interface ServerCommandOptions {
  host: string;
  port: string;
  tokenFile?: string;
  /** Comma-separated host names clients reach the server by, besides its address (DNS-rebinding check). */
  allowedHosts?: string;
  /** False (`--no-scheduler`): no schedules, event triggers or run recovery in this process; HTTP triggers still start runs. */
  scheduler?: boolean;
  /** Where the tasks of pipeline runs started here run: local (default) or queue. */
  pipelineExecutor?: string;
  /** Also run the deployment controller here (`mlp deploy agent`): needs @mlp/deploy installed. */
  deployAgent?: boolean;
}

export interface RunServerOptions extends ServerCommandOptions {
  /** Stops the server when aborted; the command passes one tied to SIGINT and SIGTERM. */
  signal: AbortSignal;
  /** Called once the server listens, with its URL. */
  onListening?: (url: string) => void;
  logger?: Logger;
}

const loopback = new Set(['127.0.0.1', 'localhost', '::1']);

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65_535)
    throw new MlpError('INVALID_ARGUMENT', `--port must be a number from 0 to 65535, got ${JSON.stringify(text)}.`);
  return port;
}

/** MLP_SERVER_STATEMENT_TIMEOUT_MS: how long a search's statement may run (createServer's default when unset). */
function statementTimeoutFromEnv(raw: string | undefined): number | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw.trim());
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < 1)
    throw new MlpError(
      'INVALID_ARGUMENT',
      `MLP_SERVER_STATEMENT_TIMEOUT_MS=${JSON.stringify(raw)} is not a positive whole number of milliseconds. Fix or unset it.`,
      { details: { variable: 'MLP_SERVER_STATEMENT_TIMEOUT_MS' } },
    );
  return value;
}

/** What `mlp server` does: open the workspace, serve it until `signal` aborts, then close. */
export async function runServer(context: ServerCommandsContext, options: RunServerOptions): Promise<void> {
  const port = parsePort(options.port);
  // A server logs at info by default (access logs), unlike other commands; --log-level still wins.
  const logger = options.logger ?? createConsoleLogger({ level: context.options.logLevel ?? 'info' });
  const tokenFile = options.tokenFile ? await readTokenFile(options.tokenFile) : undefined;
  if (tokenFile?.readableByOthers) logger.warn({ file: options.tokenFile }, 'the token file is readable by other users: chmod 600 it');
  if (!tokenFile && !loopback.has(options.host)) {
    logger.warn(
      { host: options.host },
      'serving without authentication on a non-loopback address: anyone who reaches it may write; pass --token-file',
    );
  }
  const statementTimeoutMs = statementTimeoutFromEnv(process.env.MLP_SERVER_STATEMENT_TIMEOUT_MS);
  const workspace = await context.openWorkspace({ applicationName: 'mlp server' });
  const tracking = await openSqlTrackingStore(workspace);
  const registry = await openRegistry(workspace);
  // The server is where webhooks go out from: a durable consumer, so none is lost while it is down.
  const webhooks = registry.startWebhookDelivery();
  // The flag, else MLP_SERVER_ALLOWED_HOSTS (for containers, where the command line is fixed).
  const allowedHosts = (options.allowedHosts ?? process.env.MLP_SERVER_ALLOWED_HOSTS ?? '')
    .split(',')
    .map((host) => host.trim())
    .filter((host) => host !== '');
  if (!loopback.has(options.host) && allowedHosts.length === 0) {
    logger.info(
      { host: options.host },
      "clients reaching the server by a DNS name other than this machine's get 403: name them with --allowed-hosts",
    );
  }
  const serverPaths = serverPathsOf(workspace);
  // Pipelines: HTTP triggers, and (unless --no-scheduler) schedules, event triggers and recovery of runs whose process died.
  const pipelines = await openPipelineService(workspace, {
    executor: options.pipelineExecutor ?? 'local',
    scheduler: options.scheduler !== false,
    redact: (text) => hideServerPaths(text, serverPaths),
    onTick: (tick) => tick.created && logger.info({ pipeline: tick.pipeline, run: tick.runId, tick: tick.tick }, 'scheduled run started'),
    onEvent: (fired) =>
      fired.created && logger.info({ pipeline: fired.pipeline, run: fired.runId, event: fired.eventId }, 'event run started'),
    onRecovered: (runId) => logger.info({ run: runId }, 'resumed a pipeline run whose process was gone'),
  }).catch(async (error: unknown) => {
    await webhooks.close();
    await registry.close();
    await tracking.close?.();
    throw error;
  });
  // Deployments (--deploy-agent): loaded only when asked, since @mlp/deploy brings onnxruntime.
  const deployments = options.deployAgent
    ? await import('@mlp/deploy')
        .then(({ startDeploymentController }) => startDeploymentController(workspace))
        .catch(async (error: unknown) => {
          await pipelines.close();
          await webhooks.close();
          await registry.close();
          await tracking.close?.();
          throw error;
        })
    : undefined;
  // The web UI's datasets, deployments and monitoring pages, from the packages the CLI has installed.
  const uiServices = await openUiServices(context, logger);
  // Online feature reads (POST /api/2.0/mlp/features/online) when @mlp/features is installed.
  const features = await openFeatures(workspace, logger);
  // Scheduled monitors and their drift gauges on /metrics, when @mlp/monitor is installed (unless --no-scheduler).
  const monitoring = await context.service?.('monitorScheduling').catch((error: unknown) => {
    logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'scheduled monitors are left out');
    return undefined;
  });
  const monitors = monitoring && options.scheduler !== false ? await monitoring.start() : undefined;
  const server = createServer({
    workspace,
    tracking,
    registry,
    ...uiServices,
    pipelineRoutes: pipelines.routes,
    ...(features ? { featureRoutes: features.routes } : {}),
    ...(monitoring ? { metricsText: [() => monitoring.metricsText()] } : {}),
    logger,
    allowedHosts,
    ...(statementTimeoutMs ? { statementTimeoutMs } : {}),
    ...(tokenFile ? { tokens: tokenFile.tokens } : {}),
  });
  try {
    const url = await server.listen({ host: options.host, port });
    options.onListening?.(url);
    if (!options.signal.aborted) await new Promise((resolve) => options.signal.addEventListener('abort', resolve, { once: true }));
    logger.info('mlp server stopping');
  } finally {
    await server.close();
    await monitors?.close();
    await deployments?.close();
    await features?.close();
    await pipelines.close();
    await webhooks.close();
    await registry.close();
    await tracking.close?.();
  }
}

/** `@mlp/features`' online routes, or undefined when the package is not installed (or fails to open: logged). */
async function openFeatures(workspace: Workspace, logger: Logger): Promise<FeatureService | undefined> {
  let module: typeof import('@mlp/features/server');
  try {
    module = await import('@mlp/features/server');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND';
    if (missing && String((error as Error).message).includes('@mlp/features')) return undefined;
    throw error;
  }
  try {
    return await module.openFeatureService(workspace);
  } catch (error) {
    logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'online feature routes are left out');
    return undefined;
  }
}

/** Resolves on the first SIGINT or SIGTERM, so the server closes cleanly and the CLI closes the workspace. */
function signalAbort(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    },
  };
}

/** `mlp server [--host] [--port] [--token-file] [--allowed-hosts]`, as a CLI command module. */
export const serverCommands = {
  name: 'server',
  register(program: CommandBuilder, context: ServerCommandsContext): void {
    program
      .command('server')
      .description(
        "Serve the workspace over HTTP: MLflow's tracking REST API and artifact proxy, so MLflow clients log to it, and pipelines' HTTP triggers, schedules and event triggers",
      )
      .option('--host <host>', 'address to bind; 0.0.0.0 serves other machines too', '127.0.0.1')
      .option('--port <port>', 'port to listen on (0 picks a free one)', '5000')
      .option('--token-file <file>', 'require bearer tokens: one per line, "<token> [read|read,write]"')
      .option(
        '--allowed-hosts <hosts>',
        'host names clients use besides the address, comma-separated (".example.com" takes its subdomains, "*" any name)',
      )
      .option('--no-scheduler', 'do not fire pipeline schedules and event triggers or resume runs whose process died here')
      .option('--pipeline-executor <name>', 'where the tasks of pipeline runs started here run: local or queue', 'local')
      .option(
        '--deploy-agent',
        'also run the deployment controller here (as `mlp deploy agent`): promotions roll out, local deployments run',
      )
      .action(async (options) => {
        const stop = signalAbort();
        try {
          await runServer(context, { ...options, signal: stop.signal });
        } finally {
          stop.dispose();
        }
      });
  },
};

/** `mlp ui`: `mlp server` that prints the web UI's URL. */
export const uiCommand = createUiCommand<ServerCommandsContext, ServerCommandOptions>(runServer);
