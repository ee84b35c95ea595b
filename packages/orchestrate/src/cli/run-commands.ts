import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { CliContext } from '@mlp/cli';
import { type ErrorCode, MlpError, type Workspace } from '@mlp/core';
import { openExecutor } from '../executor/open-executor.js';
import { entryFile } from '../load/entry-file.js';
import { loadPipeline } from '../load/load-pipeline.js';
import type { PipelineRef } from '../pipeline/pipeline-types.js';
import { abandonRun } from '../run/abandon-run.js';
import { cancelRun } from '../run/cancel-run.js';
import { executeTaskAttempt } from '../run/execute-task-attempt.js';
import { findGoneRuns } from '../run/recover-runs.js';
import { retryRun } from '../run/retry-run.js';
import { type RunHandle, terminalRunStatuses } from '../run/run-types.js';
import { ensureOrchestrateTables, startRun } from '../run/start-run.js';
import { readRunLogs } from '../store/log-store.js';
import { findPipelineRecord, listPipelines, listRuns, loadRunSummary } from '../store/run-summary.js';
import { loadTaskAssignment } from '../store/task-assignment.js';
import type { DetachedRunRequest } from './detached-run-entry.js';
import { logLineText, pipelinesTable, runsTable, runText } from './human-format.js';
import { logLinesJson, pipelineListJson, runJson, runListJson } from './json-shapes.js';
import { followRun } from './run-progress.js';
import { supplyStepTracking } from './supply-step-tracking.js';

type Command = ReturnType<Parameters<import('@mlp/cli').CliCommandModule['register']>[0]['command']>;

const collect = (value: string, previous: string[]) => [...previous, value];

/** `mlp pipeline run|ls|runs|show|logs|retry|cancel`. */
export function registerRunCommands(pipeline: Command, context: CliContext): void {
  pipeline
    .command('run')
    .description('run a pipeline module (.ts or .mjs, default export) or a recorded pipeline by name; exits 1 when the run fails')
    .argument('<target>', 'a pipeline module file, or the name of a pipeline run before')
    .option('--param <key=value>', 'a param (repeatable); values that parse as JSON are taken as JSON, others as text', collect, [])
    .option('--executor <name>', 'where tasks run: local (in this process, or child processes) or queue (mlp worker processes)', 'local')
    .option('--wait', 'drive the run here until it ends (the default)')
    .option('--detach', 'start the run in a background process and print its id at once')
    .action(async (target: string, flags: { param: string[]; executor: string; detach?: boolean }) => {
      const workspace = await openOrchestrate(context);
      const ref = await resolveTarget(workspace, target);
      const params = parseParams(flags.param);
      if (flags.detach) {
        const runId = await runDetached(workspace, ref, params, flags.executor);
        return context.output(`Started run ${runId} of ${ref.name} in the background.`, runJson(await loadRunSummary(workspace, runId)));
      }
      if (workspace.config.database.url === 'embedded') await endGoneRuns(context, workspace, ref.name);
      const executor = context.closeAfter(await openExecutor(workspace, flags.executor));
      const handle = await startRun(workspace, ref, { params, executor, signal: interruptSignal() });
      await report(context, workspace, handle);
    });

  pipeline
    .command('ls')
    .description('the pipelines recorded in the workspace (by a run or a schedule) with their last run')
    .action(async () => {
      const pipelines = await listPipelines(await openOrchestrate(context));
      context.output(
        pipelines.length ? pipelinesTable(pipelines) : 'No pipelines yet: run one with `mlp pipeline run FILE`.',
        pipelineListJson(pipelines),
      );
    });

  pipeline
    .command('runs')
    .description('recent runs, newest first')
    .argument('[name]', 'only runs of this pipeline')
    .option('--limit <n>', 'at most this many', '50')
    .action(async (name: string | undefined, flags: { limit: string }) => {
      const limit = Number(flags.limit);
      if (!Number.isInteger(limit) || limit < 1)
        context.fail('INVALID_ARGUMENT', `--limit must be a whole number ≥ 1, not '${flags.limit}'.`);
      const runs = await listRuns(await openOrchestrate(context), { ...(name ? { pipeline: name } : {}), limit });
      context.output(runs.length ? runsTable(runs) : 'No runs.', runListJson(runs));
    });

  pipeline
    .command('show')
    .description('a run with its tasks, attempts and errors')
    .argument('<run_id>')
    .action(async (runId: string) => {
      const summary = await loadRunSummary(await openOrchestrate(context), runId);
      context.output(runText(summary), runJson(summary));
    });

  pipeline
    .command('logs')
    .description("a run's stored log lines, of one step or task when given")
    .argument('<run_id>')
    .argument('[task]', 'a step name or a task id')
    .option('--follow', 'keep printing new lines until the run ends')
    .action(async (runId: string, task: string | undefined, flags: { follow?: boolean }) => {
      const workspace = await openOrchestrate(context);
      await loadRunSummary(workspace, runId); // NOT_FOUND for an unknown run
      const options = task ? { task } : {};
      const all = [];
      let afterId = 0;
      for (;;) {
        const lines = await readRunLogs(workspace, runId, { ...options, afterId });
        // Followed lines stream as they come (on stderr, as progress); otherwise they are the result, on stdout.
        if (flags.follow && !context.options.json) for (const line of lines) context.display.line(logLineText(line));
        all.push(...lines);
        afterId = lines.at(-1)?.id ?? afterId;
        if (!flags.follow) break;
        const { status } = await loadRunSummary(workspace, runId);
        if (terminalRunStatuses.includes(status) && lines.length === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      const text = flags.follow ? '' : all.map(logLineText).join('\n');
      context.output(all.length || flags.follow ? text : 'No log lines.', logLinesJson(all));
    });

  pipeline
    .command('retry')
    .description(
      're-run the failed steps of a run and what depends on them, reusing the outputs of the rest; resumes a run whose process died',
    )
    .argument('<run_id>')
    .option('--executor <name>', 'where tasks run: local or queue', 'local')
    .action(async (runId: string, flags: { executor: string }) => {
      const workspace = await openOrchestrate(context);
      const executor = context.closeAfter(await openExecutor(workspace, flags.executor));
      await report(context, workspace, await retryRun(workspace, runId, { executor, signal: interruptSignal() }));
    });

  pipeline
    .command('exec-task')
    .description('run one attempt of a task here, as an executor starts it in a Job or on another machine; exits 1 unless it succeeded')
    .requiredOption('--run <run_id>', 'the run')
    .requiredOption('--task <task_id>', 'the task (as `show --json` lists it)')
    .requiredOption('--attempt <n>', 'the attempt number the engine started (its fence)')
    .action(async (flags: { run: string; task: string; attempt: string }) => {
      const attempt = Number(flags.attempt);
      if (!Number.isInteger(attempt) || attempt < 1)
        context.fail('INVALID_ARGUMENT', `--attempt must be a whole number ≥ 1, not '${flags.attempt}'.`);
      const workspace = await openOrchestrate(context);
      const assignment = await loadTaskAssignment(workspace, flags.run, flags.task, attempt);
      // A Job's pod is stopped with SIGTERM (deleted on cancel or timeout): that stops the attempt, as Ctrl-C does.
      const signal = interruptSignal(['SIGINT', 'SIGTERM']);
      // A step awaiting only its signal holds no handle: without this the process would end mid-attempt.
      const keepAlive = setInterval(() => undefined, 60_000);
      const outcome = await executeTaskAttempt(workspace, assignment, signal).finally(() => clearInterval(keepAlive));
      const error = outcome.status === 'failed' ? outcome.error.message : null;
      context.output(`${flags.task} attempt ${attempt}: ${outcome.status}${error ? `: ${error}` : ''}`, {
        run_id: flags.run,
        task_id: flags.task,
        attempt,
        status: outcome.status,
        error,
      });
      if (outcome.status !== 'succeeded') context.setExitCode(1);
    });

  pipeline
    .command('cancel')
    .description('cancel a run: its running tasks are stopped, the rest never start')
    .argument('<run_id>')
    .action(async (runId: string) => {
      const workspace = await openOrchestrate(context);
      const status = await cancelRun(workspace, runId);
      context.output(
        status === 'running' ? `Cancel requested: run ${runId} stops at its engine's next heartbeat.` : `Run ${runId} is ${status}.`,
        { run_id: runId, status },
      );
    });
}

async function openOrchestrate(context: CliContext): Promise<Workspace> {
  const workspace = await context.openWorkspace({ applicationName: 'mlp pipeline' });
  await ensureOrchestrateTables(workspace);
  return supplyStepTracking(context, workspace);
}

/** Shows the task graph live while the run goes (see followRun), then its summary; exit 1 unless it succeeded. */
async function report(context: CliContext, workspace: Workspace, handle: RunHandle): Promise<void> {
  const summary = await followRun(context, workspace, handle, await recordedSteps(workspace, handle.runId));
  context.output(runText(summary), runJson(summary));
  if (summary.status !== 'succeeded') context.setExitCode(1);
}

/**
 * Before a new run on an embedded workspace (one machine, usually no scheduler running): the runs of
 * the same pipeline whose process is gone (killed, crashed, the machine restarted) are ended as failed
 * instead of staying RUNNING, and named with the command that resumes them. They are not resumed here:
 * the new run does the same work, and running both would do it twice.
 */
async function endGoneRuns(context: CliContext, workspace: Workspace, pipeline: string): Promise<void> {
  for (const gone of await findGoneRuns(workspace, pipeline)) {
    const reason = 'the process driving it is gone (killed or crashed)';
    if (await abandonRun(workspace, gone.runId, `${reason}; \`mlp pipeline retry ${gone.runId}\` resumes it`, gone.takeOverFrom))
      context.display.line(
        `run ${gone.runId} of ${pipeline} was left running by a process that is gone: recorded as failed. \`mlp pipeline retry ${gone.runId}\` resumes it, reusing its finished steps.`,
      );
  }
}

/** The steps of a run's pipeline as recorded (name and needs), for drawing its graph; empty when unknown. */
async function recordedSteps(workspace: Workspace, runId: string): Promise<Array<{ name: string; needs: string[] }>> {
  const rows = await workspace.db.query<{ steps: Array<{ name: string; needs: string[] }> | null }>(
    'select p.steps from orchestrate_pipelines p join orchestrate_runs r on r.pipeline_name = p.name where r.run_id = $1',
    [runId],
  );
  return rows[0]?.steps ?? [];
}

async function resolveTarget(workspace: Workspace, target: string): Promise<PipelineRef> {
  const file = path.resolve(target);
  if (existsSync(file)) return (await loadPipeline(file, workspace.config.dir)).ref;
  const recorded = await findPipelineRecord(workspace, target);
  if (recorded) return { name: target, modulePath: recorded.modulePath, sourceHash: '' };
  throw new MlpError(
    'NOT_FOUND',
    `'${target}' is neither a pipeline module file nor a recorded pipeline; list them with \`mlp pipeline ls\`.`,
  );
}

/** `--param k=v` pairs: a value that parses as JSON (numbers, true, lists) is taken as JSON, else as text. */
export function parseParams(pairs: readonly string[]): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new MlpError('INVALID_ARGUMENT', `--param '${pair}' is not key=value.`);
    const value = pair.slice(at + 1);
    try {
      params[pair.slice(0, at)] = JSON.parse(value);
    } catch {
      params[pair.slice(0, at)] = value;
    }
  }
  return params;
}

/** Ctrl-C cancels the run (its tasks stop, it is recorded cancelled) instead of leaving it to be recovered. */
function interruptSignal(signals: NodeJS.Signals[] = ['SIGINT']): AbortSignal {
  const controller = new AbortController();
  for (const name of signals) process.once(name, () => controller.abort());
  return controller.signal;
}

async function runDetached(workspace: Workspace, ref: PipelineRef, params: unknown, executor: string): Promise<string> {
  const { file, execArgv } = entryFile('detached-run-entry', 'cli');
  const child = fork(file, [], { detached: true, execArgv, stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
  const { config } = workspace;
  const request: DetachedRunRequest = {
    workspace: { dir: config.dir, database: config.database, blobs: config.blobs, logLevel: config.logLevel },
    ref,
    params,
    executor,
  };
  child.send(request);
  try {
    return await new Promise<string>((resolve, reject) => {
      child.once('message', (message) => {
        const answer = message as { runId?: string; error?: { code: ErrorCode; message: string } };
        if (answer.runId) resolve(answer.runId);
        else reject(new MlpError(answer.error?.code ?? 'INTERNAL', answer.error?.message ?? 'the background run did not start'));
      });
      child.once('exit', (code) =>
        reject(new MlpError('INTERNAL', `the background run process exited (code ${code}) before starting the run.`)),
      );
    });
  } finally {
    if (child.connected) child.disconnect();
    child.unref();
  }
}
