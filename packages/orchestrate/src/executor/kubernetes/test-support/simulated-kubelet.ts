import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { withoutMlpVariables } from '@mlp/cli';
import type { KubernetesApiStandIn, StandInObject } from '@mlp/core/testing';
import { Job } from 'kubernetes-models/batch/v1/Job';

const mlpEntry = path.join(import.meta.dirname, 'mlp-entry.ts');

interface Container {
  command: string[];
  args: string[];
  env?: Array<{ name: string; value?: string }>;
}

/**
 * What a kubelet and the Job controller do for the tests, over the API stand-in: every Job created
 * is validated against the Kubernetes schema, then its container runs here as a real child process
 * (`mlp` with the orchestrate commands, from the sources, with the container's args and environment,
 * taken from a few processes started ahead with their modules loaded); its exit marks the Job
 * Complete or Failed. Deleting the Job stops the process with SIGTERM, as a pod's deletion does.
 */
export function simulateKubelet(api: KubernetesApiStandIn, options: { warmProcesses?: number; pipelineModules?: string[] } = {}) {
  const warm = warmPool(options.warmProcesses ?? 6, options.pipelineModules ?? []);
  const running = new Map<string, ChildProcess>();
  const started: StandInObject[] = [];
  const stop = api.onEvent((event) => {
    const job = event.object;
    if (job.kind !== 'Job') return;
    const { name, namespace } = job.metadata;
    if (event.type === 'DELETED') {
      running.get(name)?.kill('SIGTERM');
      return;
    }
    if (event.type !== 'ADDED') return;
    new Job(job as never).validate();
    started.push(job);
    const container = (job.spec as { template: { spec: { containers: Container[] } } }).template.spec.containers[0]!;
    if (container.command.join(' ') !== 'mlp')
      throw new Error(`the simulated kubelet runs the mlp command only, not ${container.command.join(' ')}`);
    const env = Object.fromEntries((container.env ?? []).map((variable) => [variable.name, variable.value ?? '']));
    api.setStatus('batch/v1', 'Job', namespace, name, { active: 1, startTime: new Date().toISOString() });
    const { child, ready } = warm.take();
    let stderr = '';
    const keep = (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    running.set(name, child);
    void ready.then(() => child.send({ args: container.args, env }));
    child.once('exit', (code) => {
      running.delete(name);
      if (running.size === 0) warm.replenish();
      if (!api.get('batch/v1', 'Job', namespace, name)) return;
      const now = new Date().toISOString();
      api.setStatus(
        'batch/v1',
        'Job',
        namespace,
        name,
        code === 0
          ? { succeeded: 1, completionTime: now, conditions: [{ type: 'Complete', status: 'True', lastTransitionTime: now }] }
          : {
              failed: 1,
              conditions: [
                {
                  type: 'Failed',
                  status: 'True',
                  reason: 'BackoffLimitExceeded',
                  message: `Job has reached the specified backoff limit (exit ${code}${stderr ? `; ${stderr.trim().slice(-600)}` : ''})`,
                  lastTransitionTime: now,
                },
              ],
            },
      );
    });
  });
  return {
    /** The Jobs seen created, in order. */
    started,
    /** Processes still running. */
    running,
    /** Resolves once the processes started ahead have loaded their modules. */
    ready: async () => {
      await warm.ready();
    },
    close() {
      stop();
      warm.close();
      for (const child of running.values()) child.kill('SIGKILL');
    },
  };
}

/** Processes of the container's command started ahead, so a Job's start is not a cold module load. */
function warmPool(size: number, pipelineModules: string[]) {
  const idle: Array<{ child: ChildProcess; ready: Promise<void> }> = [];
  let closed = false;
  const start = () => {
    const child = spawn(process.execPath, ['--conditions=@mlp/source', '--import', 'tsx', mlpEntry, ...pipelineModules], {
      env: withoutMlpVariables(process.env),
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const ready = new Promise<void>((resolve) => child.once('message', () => resolve()));
    const entry = { child, ready };
    idle.push(entry);
    child.once('exit', () => {
      const index = idle.indexOf(entry);
      if (index >= 0) idle.splice(index, 1);
    });
  };
  for (let i = 0; i < size; i++) start();
  return {
    take(): { child: ChildProcess; ready: Promise<void> } {
      if (idle.length === 0) start();
      return idle.shift()!;
    },
    /** Tops the pool up, once no Job runs (starting processes beside running Jobs would slow them). */
    replenish() {
      while (!closed && idle.length < size) start();
    },
    ready: () => Promise.all(idle.map((entry) => entry.ready)),
    close() {
      closed = true;
      for (const { child } of idle.splice(0)) child.kill('SIGKILL');
    },
  };
}
