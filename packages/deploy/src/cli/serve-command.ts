import { type CliCommandModule, type CliContext, stopOnSignal } from '@mlp/cli';
import { MlpError, type Workspace } from '@mlp/core';
import { type FeatureEnrichmentFlags, featureEnrichmentFromFlags } from '../enrichment/feature-enrichment.js';
import { createPredictionLog, type PredictionLog } from '../prediction-log/prediction-log.js';
import type { BatcherOptions } from '../server/dynamic-batcher.js';
import { type ModelServer, startModelServer } from '../server/start-model-server.js';

type Program = Parameters<CliCommandModule['register']>[0];

interface ServeFlags extends FeatureEnrichmentFlags {
  host: string;
  port: string;
  batching: boolean;
  maxBatchSize?: string;
  maxQueueDelayMs?: string;
  maxQueueSize?: string;
  timeoutMs?: string;
  threads?: string;
  allowedHosts?: string;
  drainTimeoutMs?: string;
  logPredictions?: string | boolean;
  deployment?: string;
  exitWithParent?: boolean;
}

function whole(text: string | undefined, flag: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max)
    throw new MlpError('INVALID_ARGUMENT', `${flag} must be a whole number from ${min} to ${max}, not ${JSON.stringify(text)}.`);
  return value;
}

function sampleRate(flag: string | boolean | undefined): number | undefined {
  if (flag === undefined || flag === false) return undefined;
  if (flag === true) return 1;
  const rate = Number(flag);
  if (!(rate > 0 && rate <= 1))
    throw new MlpError(
      'INVALID_ARGUMENT',
      `--log-predictions takes the share of requests to log, above 0 and at most 1 (0.1 logs one in ten), not ${flag}.`,
    );
  return rate;
}

/** The one JSON line `mlp serve --json` prints once every model is loaded: what a supervisor reads. */
export function serveReadyJson(server: ModelServer) {
  return {
    url: server.url,
    port: server.port,
    models: server.repository.list().map((model) => ({
      name: model.name,
      version: model.version,
      state: model.state,
      reason: model.reason ?? null,
      batching: model.batching,
    })),
  };
}

/** `--features VIEW --entity-key-field F [--feature-names a,b] [--missing-features null]`, with the online store of `@mlp/features`. */
async function featureSettings(context: CliContext, flags: ServeFlags) {
  const settings = featureEnrichmentFromFlags(flags);
  if (!settings) return undefined;
  const reader = await context.service('onlineFeatures');
  if (!reader)
    throw new MlpError(
      'FAILED_PRECONDITION',
      '--features reads the online feature store of @mlp/features, which is not installed: npm install @mlp/features.',
    );
  return { reader, ...settings };
}

/** What `mlp serve` does: serve the models until SIGTERM or SIGINT (or the parent goes), then drain and stop (exit 0). */
async function serve(context: CliContext, sources: string[], flags: ServeFlags): Promise<void> {
  const port = whole(flags.port, '--port', 0, 65_535) ?? 8080;
  const batching: Partial<BatcherOptions> | false = flags.batching
    ? {
        ...(flags.maxBatchSize ? { maxBatchSize: whole(flags.maxBatchSize, '--max-batch-size', 1) as number } : {}),
        ...(flags.maxQueueDelayMs ? { maxQueueDelayMs: whole(flags.maxQueueDelayMs, '--max-queue-delay-ms', 0, 60_000) as number } : {}),
        ...(flags.maxQueueSize ? { maxQueueSize: whole(flags.maxQueueSize, '--max-queue-size', 1) as number } : {}),
        ...(flags.timeoutMs ? { timeoutMs: whole(flags.timeoutMs, '--timeout-ms', 1) as number } : {}),
      }
    : false;
  const threads = whole(flags.threads, '--threads', 1, 256);
  const drainTimeoutMs = whole(flags.drainTimeoutMs, '--drain-timeout-ms', 0);
  const rate = sampleRate(flags.logPredictions);
  const allowedHosts = (flags.allowedHosts ?? process.env.MLP_SERVE_ALLOWED_HOSTS ?? '')
    .split(',')
    .map((host) => host.trim())
    .filter((host) => host !== '');
  const needsWorkspace = rate !== undefined || sources.some((source) => source.includes('models:/'));
  const workspace: Workspace | undefined = needsWorkspace ? await context.openWorkspace({ applicationName: 'mlp serve' }) : undefined;
  const signal = stopOnSignal({ exitWithParent: flags.exitWithParent === true });
  let log: PredictionLog | undefined;
  let server: ModelServer | undefined;
  try {
    let dropped: ((count: number) => void) | undefined;
    log =
      rate !== undefined && workspace
        ? createPredictionLog({ blobs: workspace.blobs, sampleRate: rate, logger: context.logger, onDropped: (count) => dropped?.(count) })
        : undefined;
    const predictionLog = log;
    const features = await featureSettings(context, flags);
    server = await startModelServer({
      ...(features ? { features } : {}),
      models: sources,
      host: flags.host,
      port,
      batching,
      allowedHosts,
      logger: context.logger,
      ...(workspace ? { workspace } : {}),
      ...(threads !== undefined ? { threads } : {}),
      ...(drainTimeoutMs !== undefined ? { drainTimeoutMs } : {}),
      ...(flags.deployment ? { deployment: flags.deployment } : {}),
      ...(predictionLog ? { onPrediction: (entry) => predictionLog.record(entry) } : {}),
    });
    const running = server;
    dropped = (count) => running.metrics.predictionLogDropped.inc(count);
    const ready = serveReadyJson(server);
    // One line on stdout, at once (not at the end as `output` would): a supervisor reads it to learn the port.
    if (context.options.json) process.stdout.write(`${JSON.stringify(ready)}\n`);
    else {
      const lines = ready.models.map(
        (model) => `  ${model.name} v${model.version}: ${model.state}${model.reason ? ` (${model.reason})` : ''}`,
      );
      process.stdout.write(`Serving at ${ready.url} (OIP v2 under /v2, metrics on /metrics):\n${lines.join('\n')}\n`);
    }
    const received = await signal.stopped;
    context.logger.info({ signal: received, inflight: server.inflight }, 'stopping: not ready, draining requests in flight');
  } finally {
    signal.dispose();
    await server?.close();
    await log?.close();
  }
}

/** `mlp serve MODEL...`: an Open Inference Protocol model server. */
export function registerServeCommand(program: Program, context: CliContext): void {
  program
    .command('serve')
    .description('serve models over the Open Inference Protocol (KServe v2) with dynamic batching; stops cleanly on SIGTERM')
    .argument(
      '<models...>',
      'models:/NAME@ALIAS, models:/NAME/VERSION, a model package (folder or .mlpkg.tgz) or an .onnx file; NAME=… names it',
    )
    .option('--host <host>', 'address to bind; 0.0.0.0 serves other machines too', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 picks a free one)', '8080')
    .option('--no-batching', 'run each request alone (no dynamic batching)')
    .option('--max-batch-size <rows>', 'rows merged into one run at most (1024)')
    .option('--max-queue-delay-ms <ms>', 'how long an idle model waits for more requests before it runs (0)')
    .option('--max-queue-size <n>', 'requests waiting per model before 503 with Retry-After (1024)')
    .option('--timeout-ms <ms>', 'how long a request may wait and run before 503 (30000)')
    .option('--threads <n>', 'onnxruntime threads per model run (half the CPUs)')
    .option('--allowed-hosts <hosts>', 'host names clients use besides the address, comma-separated ("*" any; MLP_SERVE_ALLOWED_HOSTS)')
    .option('--drain-timeout-ms <ms>', 'how long SIGTERM waits for requests in flight (30000)')
    .option('--log-predictions [rate]', 'write sampled predictions to the workspace prediction log (rate 0..1, 1 by default)')
    .option('--deployment <name>', 'the deployment this server runs under (for the prediction log)')
    .option('--features <view>', "enrich requests with this feature view's latest values from the online store (@mlp/features)")
    .option('--entity-key-field <fields>', 'the request field holding the entity key: carrier, or JOIN_KEY=FIELD,… (with --features)')
    .option('--feature-names <names>', "the view's features to read, comma-separated (all by default)")
    .option('--missing-features <policy>', 'an entity the store holds nothing for: reject (404, the default) or null')
    .option('--exit-with-parent', 'drain and exit when stdin closes (a supervisor passes a pipe, so its servers go when it does)')
    .action(async (sources: string[], flags: ServeFlags) => serve(context, sources, flags));
}

/** The `mlp serve` command module. */
export const serveCommands: CliCommandModule = {
  name: 'serve',
  register(program, context) {
    registerServeCommand(program, context);
  },
};
