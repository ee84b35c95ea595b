// The GitHub Actions workflows a team copies (examples/github-actions/workflows): each parses as YAML
// and has the structure GitHub requires, and everything it calls exists here: every `mlp` command and
// subcommand with its options (asked of the built CLI's --help), every `npm run` script, every file
// path, the shell scripts it runs (read and checked the same way), and the dispatch event it waits for
// is the one promotion-dispatch.mjs sends. GitHub itself does not run here: actions are not executed.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { checkInvocation } from './cli-help.js';
import { mlpInvocations, npmScripts, repositoryPaths } from './workflow-checks.js';

const root = path.resolve(import.meta.dirname, '..', '..');
const examples = path.join(root, 'examples', 'github-actions');
const workflowFiles = readdirSync(path.join(examples, 'workflows')).filter((file) => /\.ya?ml$/.test(file));

// biome-ignore lint/suspicious/noExplicitAny: a parsed workflow is checked field by field
type Workflow = Record<string, any>;
// biome-ignore lint/suspicious/noExplicitAny: as above
type Step = Record<string, any>;

const workflows = new Map<string, Workflow>();
beforeAll(() => {
  for (const file of workflowFiles) workflows.set(file, parse(readFileSync(path.join(examples, 'workflows', file), 'utf8')));
});

it('has the workflows the README describes', () => {
  expect(workflowFiles.sort()).toEqual(['mlp-ci.yml', 'mlp-deploy.yml']);
  const readme = readFileSync(path.join(examples, 'README.md'), 'utf8');
  for (const file of workflowFiles) expect(readme).toContain(`workflows/${file}`);
});

describe.each(workflowFiles)('%s', (file) => {
  const workflow = () => workflows.get(file) as Workflow;
  const jobs = () => Object.entries(workflow().jobs as Record<string, Workflow>);
  const steps = () => jobs().flatMap(([id, job]) => (job.steps as Step[]).map((step, index) => ({ job: id, index, step })));
  /** Every shell script the workflow runs: its `run` steps and the repository scripts they call with bash. */
  const scripts = () => {
    const runs = steps()
      .filter(({ step }) => typeof step.run === 'string')
      .map(({ job, index, step }) => ({ where: `${file} job ${job} step ${index + 1}`, text: step.run as string }));
    const called = new Set(runs.flatMap(({ text }) => repositoryPaths(text).filter((p) => p.endsWith('.sh'))));
    return [...runs, ...[...called].map((p) => ({ where: p, text: readFileSync(path.join(root, p), 'utf8') }))];
  };

  it('has the structure GitHub requires: name, on, jobs with runs-on and steps, each step a run or a uses', () => {
    const wf = workflow();
    expect(typeof wf.name).toBe('string');
    expect(wf.on).toBeDefined();
    expect(
      Object.keys(wf).filter((key) => !['name', 'on', 'permissions', 'env', 'concurrency', 'jobs', 'defaults', 'run-name'].includes(key)),
    ).toEqual([]);
    expect(jobs().length).toBeGreaterThan(0);
    for (const [id, job] of jobs()) {
      expect(id).toMatch(/^[A-Za-z_][A-Za-z0-9_-]*$/);
      expect(typeof job['runs-on'], `job ${id}`).toBe('string');
      expect(Array.isArray(job.steps) && job.steps.length > 0, `job ${id} has steps`).toBe(true);
      for (const needed of [job.needs ?? []].flat()) expect(Object.keys(wf.jobs), `job ${id} needs ${needed}`).toContain(needed);
      const stepIds = (job.steps as Step[]).map((step) => step.id).filter(Boolean);
      expect(new Set(stepIds).size).toBe(stepIds.length);
      // Job outputs read steps of the job; `needs.X.outputs.Y` reads an output job X declares.
      for (const value of Object.values(job.outputs ?? {}))
        for (const m of String(value).matchAll(/steps\.([\w-]+)\.outputs/g)) expect(stepIds, `job ${id} output`).toContain(m[1]);
      for (const m of JSON.stringify(job).matchAll(/needs\.([\w-]+)\.outputs\.([\w-]+)/g)) {
        expect([job.needs ?? []].flat(), `job ${id} reads needs.${m[1]}`).toContain(m[1]);
        expect(Object.keys(wf.jobs[m[1] as string].outputs ?? {}), `job ${m[1]} declares ${m[2]}`).toContain(m[2]);
      }
    }
    for (const { job, index, step } of steps()) {
      const where = `job ${job} step ${index + 1}`;
      expect(('run' in step ? 1 : 0) + ('uses' in step ? 1 : 0), `${where} has exactly one of run and uses`).toBe(1);
      if ('uses' in step) expect(step.uses, where).toMatch(/^(\.\/[\w./-]+|[\w.-]+\/[\w./-]+@[\w.-]+)$/);
      if ('with' in step) expect('uses' in step, `${where}: with belongs to a uses step`).toBe(true);
    }
    // Every expression is closed.
    const text = readFileSync(path.join(examples, 'workflows', file), 'utf8');
    expect(text.split('${{').length).toBe(text.split('}}').length);
  });

  it('calls only mlp commands and options the CLI has', async () => {
    const invocations = scripts().flatMap(({ where, text }) => mlpInvocations(text).map((invocation) => ({ where, invocation })));
    expect(invocations.length).toBeGreaterThan(0);
    const checked = new Set<string>();
    for (const { where, invocation } of invocations) checked.add(await checkInvocation(invocation, where));
    expect([...checked].length).toBeGreaterThan(0);
  }, 300_000);

  it('runs only npm scripts that exist, and names only files that exist in the repository', () => {
    const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    for (const { where, text } of scripts()) {
      for (const name of npmScripts(text)) expect(Object.keys(manifest.scripts), `${where}: npm run ${name}`).toContain(name);
      for (const file of repositoryPaths(text)) expect(existsSync(path.join(root, file)), `${where}: ${file} exists`).toBe(true);
    }
    for (const { step } of steps())
      if (typeof step.uses === 'string' && step.uses.startsWith('./')) expect(existsSync(path.join(root, step.uses))).toBe(true);
  });
});

it('mlp-ci runs the tests and the pipeline against a PostgreSQL service container', () => {
  const ci = workflows.get('mlp-ci.yml') as Workflow;
  expect(Object.keys(ci.on)).toEqual(expect.arrayContaining(['push', 'pull_request']));
  for (const job of ['test', 'pipeline']) expect(ci.jobs[job].services.postgres.image).toMatch(/^postgres:/);
  expect(ci.jobs.test.env.MLP_TEST_POSTGRES_URL).toMatch(/^postgres:\/\/.*@127\.0\.0\.1:5432\//);
  expect(ci.jobs.pipeline.env.MLP_DATABASE_URL).toContain('postgres://postgres:postgres@127.0.0.1:5432/');
  expect(JSON.stringify(ci.jobs.pipeline.steps)).toContain('mlp pipeline run examples/flights-delay/pipeline.ts');
});

it('mlp-deploy starts on the event promotion-dispatch.mjs sends, rolls out with the script, and rolls back on failure', () => {
  const deploy = workflows.get('mlp-deploy.yml') as Workflow;
  const dispatcher = readFileSync(path.join(examples, 'promotion-dispatch.mjs'), 'utf8');
  const sent = /event_type: '([\w-]+)'/.exec(dispatcher)?.[1];
  expect(sent).toBeDefined();
  expect(deploy.on.repository_dispatch.types).toEqual([sent]);
  // The payload fields the workflow reads are the ones the dispatcher sends.
  const payload = /client_payload: \{([^}]*)\}/s.exec(dispatcher)?.[1] ?? '';
  for (const m of readFileSync(path.join(examples, 'workflows', 'mlp-deploy.yml'), 'utf8').matchAll(/client_payload\.(\w+)/g))
    expect(payload).toMatch(new RegExp(`\\b${m[1]}:`));
  expect(deploy.jobs.rollback.needs).toBe('deploy');
  expect(deploy.jobs.rollback.if).toContain('failure()');
  expect(deploy.jobs.rollback.if).toContain('needs.deploy.outputs.previous');
  const runs = (job: string) => (deploy.jobs[job].steps as Step[]).map((step) => step.run ?? '').join('\n');
  expect(runs('deploy')).toContain('examples/github-actions/scripts/rollout.sh "$DEPLOYMENT" "$VERSION"');
  expect(runs('rollback')).toContain('examples/github-actions/scripts/rollout.sh "$DEPLOYMENT" "$PREVIOUS"');
});

it('the checks catch what they are for: an unknown subcommand or option, a missing script or file', async () => {
  await expect(checkInvocation(['deploy', 'rendr', 'x'], 'probe')).rejects.toThrow(/not a command/);
  await expect(checkInvocation(['deploy', 'render', 'x', '--revision', '2'], 'probe')).rejects.toThrow(/no option --revision/);
  await expect(checkInvocation(['deploy'], 'probe')).rejects.toThrow(/needs a subcommand/);
  await expect(checkInvocation(['deploy', 'render', 'x', '--version', '2'], 'probe')).rejects.toThrow(/write --version=N/);
  await expect(checkInvocation(['deploy', 'render', 'x', '--version=2'], 'probe')).resolves.toBe('deploy render');
  await expect(checkInvocation(['--json', 'pipeline', 'run', 'p.ts', '--param', 'a=1'], 'probe')).resolves.toBe('pipeline run');
  expect(
    mlpInvocations('x=$(npx mlp -C ws models show m --json | jq .)\n# mlp nothing here\nkubectl apply --field-manager=mlp-deploy'),
  ).toEqual([['-C', 'ws', 'models', 'show', 'm', '--json']]);
  expect(npmScripts('npm ci && npm run build && npm test')).toEqual(['build', 'test']);
  expect(repositoryPaths('bash examples/github-actions/scripts/nope.sh "$X"')).toEqual(['examples/github-actions/scripts/nope.sh']);
});
