import { type CliCommandModule, type CliContext, stopOnSignal } from '@mlp/cli';
import { currentActor, MlpError, type Workspace } from '@mlp/core';
import { openRegistry } from '@mlp/registry';
import { startDeploymentController } from '../controller/deployment-controller.js';
import { createDeploymentControl } from '../deployment/deployment-control.js';
import {
  addDeployment,
  deleteDeployment,
  pauseDeployment,
  resumeDeployment,
  rollbackDeployment,
} from '../deployment/deployment-operations.js';
import { type DeploymentStrategy, type DeploymentTarget, deploymentStrategies, deploymentTargets } from '../deployment/deployment-spec.js';
import { type DeploymentRecord, deploymentHistory, getDeployment, listDeployments } from '../deployment/deployment-store.js';
import { type FeatureEnrichmentFlags, featureEnrichmentFromFlags } from '../enrichment/feature-enrichment.js';
import { migrations } from '../generated/migrations.js';
import { renderKubernetesManifests } from '../kubernetes/kubernetes-manifests.js';
import { kubernetesRenderOptionsFromEnv } from '../kubernetes/kubernetes-target-env.js';
import { agentJson, deploymentJson, deploymentSummaryJson, historyJson } from './json-shapes.js';

type Program = Parameters<CliCommandModule['register']>[0];

/** `30s`, `500ms`, `2m`, `1h` or a number of milliseconds. */
export function parseDuration(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  const units = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
  const value = match ? Number(match[1]) * units[(match[2] as keyof typeof units | undefined) ?? 'ms'] : Number.NaN;
  if (!Number.isFinite(value) || value < 1)
    throw new MlpError('INVALID_ARGUMENT', `${flag} must be a duration such as 30s, 500ms, 2m or 30d, not '${text}'.`);
  return Math.round(value);
}

function wholeNumber(text: string, flag: string, min = 0): number {
  if (!/^\d+$/.test(text) || Number(text) < min)
    throw new MlpError('INVALID_ARGUMENT', `${flag} must be a whole number of at least ${min}, not '${text}'.`);
  return Number(text);
}

function choice<T extends string>(text: string, allowed: readonly T[], flag: string): T {
  if (!(allowed as readonly string[]).includes(text))
    throw new MlpError('INVALID_ARGUMENT', `${flag} must be one of ${allowed.join(', ')}, not '${text}'.`);
  return text as T;
}

const time = (ms: number) => new Date(ms).toISOString();

function serving(deployment: DeploymentRecord): string {
  const parts = deployment.revisions.filter((rev) => rev.weight > 0).map((rev) => `r${rev.revision} v${rev.modelVersion} ${rev.weight}%`);
  return parts.length > 0 ? parts.join(', ') : '-';
}

interface CreateFlags extends FeatureEnrichmentFlags {
  model: string;
  target: string;
  strategy: string;
  steps?: string;
  analysis?: string[];
  interval: string;
  replicas: string;
  port?: string;
  webhook?: string;
  prometheus?: string;
  split?: string;
  namespace?: string;
  image?: string;
  kubeconfig?: string;
}

/** `mlp deploy create|ls|show|history|rollback|pause|resume|delete|agent`. */
export function registerDeployCommands(program: Program, context: CliContext): void {
  const deploy = program.command('deploy').description('deployments that follow a registry alias: rollouts, analysis, rollback');
  const workspace = (): Promise<Workspace> => context.openWorkspace();

  deploy
    .command('create <name>')
    .description('create a deployment of models:/NAME@ALIAS (a promotion of the alias rolls out) or models:/NAME/VERSION')
    .requiredOption('--model <uri>', 'models:/NAME@ALIAS or models:/NAME/VERSION')
    .option('--target <target>', `where it runs: ${deploymentTargets.join(' or ')}`, 'local')
    .option('--strategy <strategy>', `how a new version rolls out: ${deploymentStrategies.join(', ')}`, 'rolling')
    .option('--steps <percents>', 'canary traffic steps in percent, e.g. 10,50,100')
    .option('--analysis <conditions...>', 'conditions each step must meet, e.g. "error_rate<0.01,p99_ms<50"')
    .option('--interval <duration>', 'time per step before its analysis (30s, 2m)', '30s')
    .option('--replicas <n>', 'model servers per revision', '1')
    .option('--port <n>', 'the port the deployment answers on (local target; 0 picks one)')
    .option('--webhook <url>', 'a URL that gets a signed POST when the deployment rolls back')
    .option('--prometheus <url>', 'read analysis from this Prometheus server instead of the servers')
    .option('--split <name>', "A/B: serve the registry's weighted alias set of this name")
    .option('--namespace <ns>', 'Kubernetes namespace')
    .option('--image <image>', 'Kubernetes model-server image')
    .option('--kubeconfig <path>', "the kubeconfig file the controller uses (default: the agent's KUBECONFIG)")
    .option('--features <view>', "its servers enrich requests with this feature view's latest values from the online store (@mlp/features)")
    .option('--entity-key-field <fields>', 'the request field holding the entity key: origin, or JOIN_KEY=FIELD,… (with --features)')
    .option('--feature-names <names>', "the view's features to read, comma-separated (all by default)")
    .option('--missing-features <policy>', 'an entity the store holds nothing for: reject (404, the default) or null')
    .action(async (name: string, flags: CreateFlags) => {
      const features = featureEnrichmentFromFlags(flags);
      const ws = await workspace();
      const registry = context.closeAfter(await openRegistry(ws, { actor: currentActor({ env: context.env }), env: context.env }));
      const { deployment, webhookSecret } = await addDeployment(ws, registry, {
        name,
        model: flags.model,
        target: choice<DeploymentTarget>(flags.target, deploymentTargets, '--target'),
        strategy: choice<DeploymentStrategy>(flags.strategy, deploymentStrategies, '--strategy'),
        ...(flags.steps !== undefined && { steps: flags.steps.split(',').map((step) => wholeNumber(step.trim(), '--steps', 1)) }),
        ...(flags.analysis !== undefined && { analysis: flags.analysis }),
        intervalMs: parseDuration(flags.interval, '--interval'),
        replicas: wholeNumber(flags.replicas, '--replicas', 1),
        ...(flags.port !== undefined && { port: wholeNumber(flags.port, '--port') }),
        ...(flags.webhook !== undefined && { webhookUrl: flags.webhook }),
        ...(flags.prometheus !== undefined && { prometheusUrl: flags.prometheus }),
        ...(flags.split !== undefined && { trafficSplit: flags.split }),
        ...(flags.namespace !== undefined && { namespace: flags.namespace }),
        ...(flags.image !== undefined && { image: flags.image }),
        ...(flags.kubeconfig !== undefined && { kubeconfig: flags.kubeconfig }),
        ...(features !== undefined && { features }),
      });
      const version = deployment.revisions[0]?.modelVersion;
      context.output(
        `Created deployment '${name}' of ${deployment.spec.model} (version ${version}), ${deployment.spec.strategy} on ${deployment.spec.target}.` +
          (webhookSecret ? `\nWebhook secret (shown once): ${webhookSecret}` : '') +
          '\nThe controller starts it: run `mlp deploy agent`.',
        { ...deploymentJson(deployment, await deploymentHistory(ws, name)), webhook_secret: webhookSecret },
      );
    });

  deploy
    .command('ls')
    .description('list deployments')
    .action(async () => {
      const all = await listDeployments(await workspace());
      context.output(
        {
          columns: ['NAME', 'MODEL', 'STRATEGY', 'STATUS', 'SERVING', 'ENDPOINT'],
          rows: all.map((d) => [d.name, d.spec.model, d.spec.strategy, d.status, serving(d), d.endpoint ?? '-']),
        },
        { deployments: all.map(deploymentSummaryJson) },
      );
    });

  deploy
    .command('show <name>')
    .description('a deployment: its revisions with their traffic, and its history')
    .action(async (name: string) => {
      const ws = await workspace();
      const deployment = await getDeployment(ws, name);
      const history = await deploymentHistory(ws, name);
      context.output(
        [
          `${deployment.name}: ${deployment.spec.model}, ${deployment.spec.strategy} on ${deployment.spec.target}, ${deployment.status}`,
          `endpoint: ${deployment.endpoint ?? '(not started: run `mlp deploy agent`)'}`,
          'revisions:',
          ...deployment.revisions.map(
            (rev) =>
              `  r${rev.revision}  version ${rev.modelVersion}  ${rev.weight}%  ${rev.status}  (analysis rounds ${rev.analysisRounds})`,
          ),
          'history:',
          ...history.slice(-10).map((entry) => `  ${time(entry.at)}  ${entry.action}  ${entry.reason ?? ''}`),
        ].join('\n'),
        deploymentJson(deployment, history),
      );
    });

  deploy
    .command('history <name>')
    .description("a deployment's history: rollouts, steps, analyses, rollbacks")
    .action(async (name: string) => {
      const history = await deploymentHistory(await workspace(), name);
      context.output(
        {
          columns: ['AT', 'ACTION', 'FROM', 'TO', 'REASON'],
          rows: history.map((e) => [time(e.at), e.action, String(e.fromVersion ?? '-'), String(e.toVersion ?? '-'), e.reason ?? '']),
        },
        { name, history: history.map(historyJson) },
      );
    });

  deploy
    .command('rollback <name>')
    .description('traffic back to the stable revision (or --to REVISION); the controller switches it')
    .option('--to <revision>', 'the revision to go back to')
    .option('--reason <text>', 'why, for the history')
    .action(async (name: string, flags: { to?: string; reason?: string }) => {
      const ws = await workspace();
      const after = await rollbackDeployment(ws, name, {
        ...(flags.to !== undefined && { toRevision: wholeNumber(flags.to, '--to', 1) }),
        ...(flags.reason !== undefined && { reason: flags.reason }),
      });
      const stable = after.revisions.find((rev) => rev.status === 'stable');
      context.output(
        `Deployment '${name}' rolled back to revision ${stable?.revision} (version ${stable?.modelVersion}).`,
        deploymentJson(after, await deploymentHistory(ws, name)),
      );
    });

  for (const [command, description, run] of [
    ['pause', 'hold a rollout at its current step', pauseDeployment],
    ['resume', 'continue a paused rollout', resumeDeployment],
  ] as const) {
    deploy
      .command(`${command} <name>`)
      .description(description)
      .option('--reason <text>', 'why, for the history')
      .action(async (name: string, flags: { reason?: string }) => {
        const ws = await workspace();
        const after = await run(ws, name, flags.reason);
        context.output(`Deployment '${name}' is ${after.status}.`, deploymentJson(after, await deploymentHistory(ws, name)));
      });
  }

  deploy
    .command('delete <name>')
    .description('delete a deployment; its controller stops its router and servers')
    .action(async (name: string) => {
      await deleteDeployment(await workspace(), name);
      context.output(`Deleted deployment '${name}'.`, { name, deleted: true });
    });

  deploy
    .command('render <name>')
    .description('print the Kubernetes objects of a deployment (a v1 List, for kubectl apply -f -)')
    .option('--version <n>', 'the model version to render (default: the stable revision, else the newest)')
    .action(async (name: string, flags: { version?: string }) => {
      const deployment = await getDeployment(await workspace(), name);
      const revision = deployment.revisions.find((rev) => rev.status === 'stable') ?? deployment.revisions.at(-1);
      const version = flags.version !== undefined ? wholeNumber(flags.version, '--version', 1) : revision?.modelVersion;
      if (version === undefined)
        throw new MlpError('FAILED_PRECONDITION', `Deployment '${name}' has no revision to render: give one with --version.`);
      // As the agent renders it: the model server's Secret from MLP_DEPLOY_KUBERNETES_SECRET.
      const list = {
        apiVersion: 'v1',
        kind: 'List',
        items: renderKubernetesManifests(deployment.spec, version, kubernetesRenderOptionsFromEnv(context.env)),
      };
      // The same document either way: Kubernetes' own shape, which kubectl reads.
      context.output(JSON.stringify(list, null, 2), list);
    });

  deploy
    .command('agent')
    .description('run the deployment controller until stopped: follows alias promotions, runs local deployments and their rollouts')
    .option('--poll-interval <duration>', 'how often deployments are reconciled', '1s')
    .option(
      '--exit-with-parent',
      'stop (and stop its servers) when stdin closes: a supervisor passes a pipe, so the agent goes when it does',
    )
    .action(async (flags: { pollInterval: string; exitWithParent?: boolean }) => {
      // Listening from the start: a signal (or the parent going) while starting up still stops cleanly.
      const stop = stopOnSignal({ exitWithParent: flags.exitWithParent === true });
      const startedAt = Date.now();
      let endpoints: Record<string, string> = {};
      try {
        const ws = await context.openWorkspace({ applicationName: 'mlp deploy agent' });
        const controller = await startDeploymentController(ws, { pollIntervalMs: parseDuration(flags.pollInterval, '--poll-interval') });
        context.display.line(`mlp deploy agent: running (process ${process.pid})`);
        try {
          const reason = await stop.stopped;
          context.logger.info({ reason }, 'mlp deploy agent: stopping its deployments');
          endpoints = controller.endpoints();
        } finally {
          await controller.close();
        }
      } finally {
        stop.dispose();
      }
      context.output('Deployment controller stopped.', agentJson({ startedAt, stoppedAt: Date.now(), endpoints }));
    });
}

/** The deploy commands of `mlp`. */
export const deployCommands: CliCommandModule = {
  name: 'deploy',
  migrations: [migrations],
  // `mlp server`'s web UI shows deployments and rolls them back through this.
  services: { deployments: async (context) => createDeploymentControl(await context.openWorkspace()) },
  register(program, context) {
    registerDeployCommands(program, context);
  },
};
