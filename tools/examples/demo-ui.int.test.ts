// Issue 17's "done when": a newcomer runs `npm run demo`, opens the printed URL and sees what the demo
// made. The demo (examples/demo/demo.mjs) and `mlp ui` run as real child processes of the built
// packages on a real PostgreSQL; each section is opened in Chromium and checked for the demo's own
// things by name (not by counts, so a step added to the demo's pipeline does not break it). Last, the
// deployment is served again by `mlp deploy agent` and rolled back from the page (the agent's router
// moves the traffic back), then a new rollout is followed on the page as the agent steps it through.
import { writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import path from 'node:path';
import { createTempDir, createTestDatabase, type TempDir, type TestDatabase } from '@mlp/core/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drawnPixels, launchChromium, screenshot } from '../../packages/server/src/test-support/browser.js';
import { type Child, cliBin, root, startChild, withoutMlpVariables } from './demo-children.js';

const read = 'demo-ui-read-token-0123';
const write = 'demo-ui-write-token-0123';
/** A token the server does not (or no longer) accept: what an expired token looks like to it. */
const revoked = 'demo-ui-revoked-token-01';
/** The demo trains a small search and rolls a canary out: minutes on a loaded machine, not seconds. */
const demoLimitMs = 1_200_000;

describe('npm run demo, then its workspace in the web UI', () => {
  let dir: TempDir;
  let workspace: string;
  let database: TestDatabase;
  let env: Record<string, string | undefined>;
  let demoOutput = '';
  let demoSeconds = 0;
  let ui: Child | undefined;
  let agent: Child | undefined;
  /** The model versions the rollback test moved the traffic from and to. */
  let rolledBack: { from: number; to: number } | undefined;
  let url: string;
  let browser: Browser;
  let page: Page;

  /**
   * A run page's params or tags row of one key. The lists draw only the rows in view and have a search
   * box once they hold more than 20 keys, so the key is searched for first when there is one.
   */
  async function keyRow(list: 'params' | 'tags', key: string) {
    await page.getByTestId(list).waitFor();
    const search = page.locator(`input[name="${list}-search"]`);
    if (await search.count()) await search.fill(key);
    const exactly = new RegExp(`^${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
    return page.getByTestId(list).locator('tr', { has: page.locator('th', { hasText: exactly }) });
  }

  beforeAll(async () => {
    dir = await createTempDir('mlp-demo-ui-');
    database = await createTestDatabase('mlp_demo_ui');
    env = { ...withoutMlpVariables(), MLP_DATABASE_URL: database.url, MLP_LOG_LEVEL: 'warn' };
    workspace = path.join(dir.path, 'demo');
    const started = performance.now();
    const demo = startChild(process.execPath, ['examples/demo/demo.mjs', '--dir', workspace], { cwd: root, env });
    const { code } = await demo.exited;
    demoSeconds = (performance.now() - started) / 1000;
    demoOutput = demo.output();
    expect(code, `the demo exited ${code}:\n${demoOutput.slice(-4000)}`).toBe(0);
    // Its cost, visible in CI's log: the demo is most of this file's time.
    console.log(`the demo took ${demoSeconds.toFixed(0)} s (load average ${loadavg()[0]?.toFixed(1)})`);

    const tokens = path.join(dir.path, 'tokens');
    await writeFile(tokens, `${read} read\n${write} read,write\n`, { mode: 0o600 });
    const uiArgs = printedUiCommand(demoOutput);
    ui = startChild(process.execPath, [cliBin, ...uiArgs, '--port', '0', '--token-file', tokens], { cwd: root, env });
    url = await ui.line(/mlp web UI: (http:\/\/\S+?)\/$/);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  }, demoLimitMs);

  afterAll(async () => {
    await browser?.close();
    await agent?.stop();
    await ui?.stop();
    await database?.drop();
    await dir?.remove();
  });

  /** `npx mlp ui -C DIR` as the demo prints it, the args after `mlp`, run from the repository's root. */
  function printedUiCommand(output: string): string[] {
    const line = output.split('\n').find((l) => /npx mlp ui -C \S+/.test(l));
    expect(line, 'the demo prints the command that opens the web UI').toBeDefined();
    const [, shown] = /npx mlp ui -C (\S+)/.exec(line as string) as RegExpExecArray;
    return ['ui', '-C', shown as string];
  }

  const nav = (name: string) => page.locator('nav').getByRole('link', { name, exact: true });

  interface Shown {
    deployment: {
      endpoint: string | null;
      revisions: { revision: number; model_version: number; weight: number; status: string }[];
    };
    history: { action: string; reason: string | null }[];
  }

  async function shownDeployment(): Promise<Shown> {
    const answer = await fetch(`${url}/api/ui/deployments/flights-delay`, { headers: { authorization: `Bearer ${read}` } });
    expect(answer.status).toBe(200);
    return (await answer.json()) as Shown;
  }

  /** The revision that answers a flight sent through the deployment's router (`x-mlp-deployment-revision`); undefined when none answers. */
  async function answeringRevision(endpoint: string | null): Promise<number | undefined> {
    if (!endpoint) return undefined;
    try {
      const answer = await fetch(`${endpoint}/invocations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ dataframe_records: [{ date: '2001-03-02T07:15:00Z', distance: 740, origin: 'SEA', destination: 'SFO' }] }),
      });
      await answer.arrayBuffer();
      const revision = answer.headers.get('x-mlp-deployment-revision');
      return answer.ok && revision ? Number(revision) : undefined;
    } catch {
      return undefined; // the router is not listening (yet)
    }
  }

  /** Polls `check` until it gives a value; fails with the agent's output when the agent exits or the (generous) bound passes. */
  async function untilAgent<T>(what: string, check: () => Promise<T | undefined>, limitMs = 240_000): Promise<T> {
    const deadline = Date.now() + limitMs;
    for (;;) {
      const ended = agent?.process.exitCode !== null || agent?.process.signalCode !== null;
      if (ended || Date.now() > deadline)
        throw new Error(`${ended ? 'mlp deploy agent exited' : 'timed out'} waiting for ${what}:\n${agent?.output().slice(-3000)}`);
      const value = await check();
      if (value !== undefined) return value;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  it('prints the UI command; signed in with a read token, every section is in the navigation', async () => {
    expect(demoOutput).toContain('✓ demo finished');
    await page.goto(`${url}/`);
    await page.getByTestId('token-form').waitFor();
    await page.fill('input[name=token]', read);
    await page.click('button[type=submit]');
    for (const name of ['Experiments', 'Datasets', 'Models', 'Lineage', 'Pipelines', 'Deployments', 'Monitoring'])
      await nav(name).waitFor();
    await page.getByTestId('experiments').getByRole('link', { name: 'flights-delay' }).waitFor();
    await screenshot(page, 'demo-experiments');
  });

  it("shows the flights-delay experiment's runs, filtered with MLflow's syntax to the search's trials", async () => {
    await page.getByTestId('experiments').getByRole('link', { name: 'flights-delay' }).click();
    await page
      .getByTestId('run-count')
      .filter({ hasText: / runs$/ })
      .waitFor();
    for (const name of ['trial-0', 'trial-1', 'validate', 'promote'])
      await page.locator('[data-run-id]').getByRole('link', { name, exact: true }).first().waitFor();
    await screenshot(page, 'demo-runs');
    // Only the trials log val_auc (the search's parent logs best_val_auc).
    await page.fill('input[name=filter]', 'metrics.val_auc > 0');
    await page.press('input[name=filter]', 'Enter');
    await expect
      .poll(async () => [...new Set((await page.locator('[data-run-id] a').allTextContents()).map((name) => name.replace(/\d+$/, '#')))])
      .toEqual(['trial-#']);
    await screenshot(page, 'demo-runs-trials');
  });

  it("shows the champion's training run: params, tags, the dataset it used, a drawn loss chart and its evaluation artifacts", async () => {
    await nav('Models').click();
    await page.getByTestId('models').getByRole('link', { name: 'flights-delay' }).click();
    // Version 1 was trained by the pipeline (version 2 is the same package registered again by the deploy part).
    await page.getByTestId('model-versions').locator('tr', { hasText: /^v1/ }).getByRole('link').click();
    await (await keyRow('params', 'optimizer.learningRate')).waitFor();
    await (await keyRow('tags', 'mlp.trial.index')).waitFor();
    // The training set its spec named (`data`), listed among the run's datasets with a link to its page.
    const data = (await (await keyRow('params', 'data')).locator('td').textContent()) as string;
    expect(data).toMatch(/^[\w.-]+@\d+$/);
    await page.locator('.run-page li').getByRole('link', { name: data, exact: true }).waitFor();
    const loss = page.locator('[data-chart^="loss "]');
    // Charts mount as they scroll into view; the first ones may already be drawn from the run's early fetch.
    if (await page.locator('input[name="chart-search"]').count()) await page.fill('input[name="chart-search"]', 'loss');
    // The placeholder is replaced by the chart when its data arrives, which can detach it mid-scroll: try again.
    await expect
      .poll(() =>
        page
          .getByText('Loading loss…')
          .or(loss)
          .first()
          .scrollIntoViewIfNeeded({ timeout: 5_000 })
          .then(() => true)
          .catch(() => false),
      )
      .toBe(true);
    await loss.locator('canvas').first().waitFor();
    await expect.poll(() => drawnPixels(page, '[data-chart^="loss "]')).toBeGreaterThan(100);
    await page.getByRole('button', { name: 'evaluation/' }).click();
    await page.getByRole('button', { name: 'evaluation/confusion_matrix.json' }).click();
    await page.locator('pre.preview').filter({ hasText: '[' }).waitFor();
    await screenshot(page, 'demo-run');
    // Its training set's link opens that version on the datasets page.
    await page.locator('.run-page li').getByRole('link', { name: data, exact: true }).click();
    await page.getByTestId('dataset-version').getByRole('heading', { name: data }).waitFor();
    await page.getByTestId('dataset-runs').getByRole('link').first().waitFor();
  });

  it('shows the datasets: the ingested versions with their validation results and report, also on the validate step’s run', async () => {
    await nav('Datasets').click();
    for (const name of ['flights-raw', 'flights-delay'])
      await page.getByTestId('datasets').getByRole('link', { name, exact: true }).waitFor();
    await screenshot(page, 'demo-datasets');
    await page.getByTestId('datasets').getByRole('link', { name: 'flights-raw', exact: true }).click();
    // The faulty June batch: a version whose validation failed.
    await page.getByTestId('dataset-versions').getByRole('link', { name: 'flights-raw@2' }).waitFor();
    await page.getByTestId('validations').locator('td.fail').first().waitFor();
    await page.getByTestId('dataset-versions').getByRole('link', { name: 'flights-raw@1' }).click();
    await page
      .getByTestId('dataset-version')
      .getByRole('heading', { name: /flights-raw@1/ })
      .waitFor();
    await page.getByTestId('schema').filter({ hasText: 'destination' }).waitFor();
    await page.getByTestId('validations').locator('td.pass').first().waitFor();
    await page.getByTestId('validations').getByRole('button', { name: 'Report' }).first().click();
    await page.frameLocator('[data-testid=validation-report]').locator('body').filter({ hasText: 'flights-raw' }).waitFor();
    await screenshot(page, 'demo-dataset');
    // The pipeline's validate step recorded it with its run: the run's page shows it and its report too.
    await page.getByTestId('validations').locator('tr', { hasText: 'passed' }).first().getByRole('link').click();
    const ofRun = page.getByTestId('run-validations');
    await ofRun.locator('tr', { hasText: 'flights-raw@1' }).locator('td.pass').waitFor();
    await ofRun.getByRole('button', { name: 'Report' }).first().click();
    await page.frameLocator('[data-testid=validation-report]').locator('body').filter({ hasText: 'flights-raw' }).waitFor();
    await screenshot(page, 'demo-validate-run');
  });

  it('shows the model with its champion alias, gate results and audit history', async () => {
    await nav('Models').click();
    await page.getByTestId('models').getByRole('link', { name: 'flights-delay' }).click();
    await page
      .getByTestId('aliases')
      .filter({ hasText: /@champion → v\d+/ })
      .waitFor();
    // The pipeline's promotion of version 1 passed its gates.
    const promoted = page.getByTestId('gate-results').locator('tr', { hasText: 'v1 → @champion' });
    await promoted.filter({ hasText: 'promoted' }).first().waitFor();
    expect(await promoted.first().locator('li.pass').count()).toBeGreaterThan(0);
    expect(await promoted.first().locator('li.fail').count()).toBe(0);
    expect(await page.getByTestId('audit').textContent()).toContain('promotion.promoted @champion');
    await screenshot(page, 'demo-model');
  });

  it('draws the lineage from the training set through the trial run and the model version to the deployment', async () => {
    await page.getByRole('link', { name: 'lineage', exact: true }).click();
    const graph = page.getByTestId('lineage-graph');
    await graph.waitFor();
    const kinds = Object.fromEntries(
      await graph
        .locator('g.node')
        .evaluateAll((nodes) => nodes.map((n) => [n.getAttribute('data-node'), (n.getAttribute('class') ?? '').replace('node ', '')])),
    ) as Record<string, string>;
    const edges = await graph
      .locator('path.edge')
      .evaluateAll((paths) => paths.map((p) => [p.getAttribute('data-from') ?? '', p.getAttribute('data-to') ?? ''] as const));
    const next = (from: string, kind: string) => edges.filter(([f, to]) => f === from && kinds[to] === kind).map(([, to]) => to);
    const chains = Object.keys(kinds)
      .filter((id) => kinds[id] === 'dataset')
      .flatMap((dataset) =>
        next(dataset, 'run').flatMap((run) =>
          next(run, 'model').flatMap((model) => next(model, 'deployment').map((deployment) => [dataset, run, model, deployment])),
        ),
      );
    expect(chains).toContainEqual([
      expect.stringMatching(/^dataset:/),
      expect.stringMatching(/^run:/),
      'model:flights-delay/1',
      'deployment:flights-delay',
    ]);
    await screenshot(page, 'demo-lineage');
  });

  it("shows the pipeline's runs: a succeeded run's task graph and logs, and the faulty batch stopped at validate", async () => {
    await nav('Pipelines').click();
    await page.getByTestId('pipelines').locator('tr', { hasText: 'flights-delay' }).filter({ hasText: 'ingest' }).waitFor();
    await screenshot(page, 'demo-pipelines');
    const runs = page.getByTestId('pipeline-runs');
    // The oldest succeeded run is the first, trained one (the rerun's steps are cached).
    await runs.locator('tr', { hasText: 'succeeded' }).last().getByRole('link').click();
    const graph = page.getByTestId('run-graph');
    for (const step of ['ingest', 'validate', 'version', 'train', 'register', 'promote'])
      await graph.locator(`[data-step=${step}][data-status=succeeded]`).waitFor();
    expect(await graph.locator('path.edge').count()).toBeGreaterThanOrEqual(5);
    await graph.locator('[data-step=train]').click();
    await page.getByTestId('task-logs').filter({ hasText: 'trial 0 started' }).waitFor();
    await screenshot(page, 'demo-pipeline-run');
    await nav('Pipelines').click();
    await runs.locator('tr', { hasText: 'failed' }).first().getByRole('link').click();
    await graph.locator('[data-step=validate][data-status=failed]').waitFor();
    await graph.locator('[data-step=train][data-status=upstream_failed]').waitFor();
    await page.getByTestId('task-logs').filter({ hasText: 'expectColumnValuesToMatchRegex' }).waitFor();
    await screenshot(page, 'demo-pipeline-run-failed');
  });

  it('shows the deployment: both revisions, the traffic on the canary, and its rollout history', async () => {
    await nav('Deployments').click();
    await page.getByTestId('deployments').locator('a[href="/deployments/flights-delay"]').click();
    const revisions = page.getByTestId('revisions');
    await revisions.locator('tr', { hasText: 'stable' }).waitFor();
    expect(await revisions.locator('tbody tr').count()).toBeGreaterThanOrEqual(2);
    const stable = (await revisions.locator('tr', { hasText: 'stable' }).locator('td').nth(1).textContent()) as string;
    await page
      .getByTestId('traffic')
      .filter({ hasText: `${stable} 100%` })
      .waitFor();
    const history = (await page.getByTestId('deployment-history').textContent()) as string;
    for (const action of ['created', 'rollout_started', 'step', 'rolled_out']) expect(history).toContain(action);
    await screenshot(page, 'demo-deployment');
  });

  it("shows the monitor's drift over time and the alert it fired", async () => {
    await nav('Monitoring').click();
    const drift = page.locator('[data-testid=drift-chart][data-monitor=flights-drift]');
    await drift.locator('circle.firing').first().waitFor();
    const columns = drift.getByTestId('drift-columns');
    for (const column of ['distance', 'origin']) await columns.locator('tr', { hasText: column }).locator('td.fail').waitFor();
    await page.getByTestId('alerts').locator('tr', { hasText: 'flights-drift' }).filter({ hasText: 'firing' }).waitFor();
    await page.getByTestId('alert-timeline').waitFor();
    await screenshot(page, 'demo-monitoring');
  });

  it('rolls the deployment back from the page: refused with a read-only and an unknown token, done with a write token, and the agent moves the traffic back', async () => {
    const before = (await shownDeployment()).deployment;
    const stable = before.revisions.find((rev) => rev.status === 'stable');
    const earlier = before.revisions.filter((rev) => rev.revision < (stable?.revision ?? 0) && rev.status === 'superseded').at(-1);
    expect(stable && earlier, JSON.stringify(before.revisions)).toBeTruthy();
    const [from, to] = [stable, earlier] as [NonNullable<typeof stable>, NonNullable<typeof earlier>];
    rolledBack = { from: from.model_version, to: to.model_version };

    // The demo stopped its agent; a new one serves the stable revision again on a router whose URL it records.
    agent = startChild(process.execPath, [cliBin, '-C', workspace, 'deploy', 'agent', '--poll-interval', '500ms'], { cwd: root, env });
    await untilAgent(`the router answering from revision ${from.revision}`, async () => {
      const { endpoint } = (await shownDeployment()).deployment;
      return (await answeringRevision(endpoint)) === from.revision ? endpoint : undefined;
    });

    await nav('Deployments').click();
    await page.getByTestId('deployments').locator('a[href="/deployments/flights-delay"]').click();
    await page
      .getByTestId('traffic')
      .filter({ hasText: `v${from.model_version} 100%` })
      .waitFor();
    const rollback = page.getByTestId('rollback');
    await rollback.getByRole('button', { name: 'Roll back' }).click();
    await page.getByTestId('rollback-error').filter({ hasText: 'PERMISSION_DENIED' }).waitFor();
    await screenshot(page, 'demo-rollback-read-token');
    const retry = async (token: string) => {
      await page.getByTestId('rollback-token').locator('input[name=write-token]').fill(token);
      await page.getByTestId('rollback-token').getByRole('button', { name: 'Use token and retry' }).click();
    };
    await retry(revoked);
    await page.getByTestId('rollback-error').filter({ hasText: 'UNAUTHENTICATED' }).waitFor();
    expect((await shownDeployment()).deployment.revisions.find((rev) => rev.revision === from.revision)?.weight).toBe(100);
    await retry(write);
    await page.getByTestId('rollback-done').filter({ hasText: 'rolled back' }).waitFor();

    // The page, reloaded from the server: all traffic on the earlier revision, the rollback in the history.
    await page
      .getByTestId('traffic')
      .filter({ hasText: `v${to.model_version} 100%` })
      .waitFor();
    await page
      .getByTestId('deployment-history')
      .locator('tr', { hasText: 'rolled_back' })
      .filter({ hasText: 'rolled back from the web UI (token' })
      .waitFor();
    await page
      .getByTestId('revisions')
      .locator('tr', { hasText: 'rolled_back' })
      .filter({ hasText: `v${from.model_version}` })
      .waitFor();
    // The agent starts the earlier revision's server again and switches its router: answers come from it.
    const { endpoint } = (await shownDeployment()).deployment;
    await untilAgent(`the router answering from revision ${to.revision}`, async () =>
      (await answeringRevision(endpoint)) === to.revision ? true : undefined,
    );
    const answers = [];
    for (let i = 0; i < 10; i++) answers.push(await answeringRevision(endpoint));
    expect(answers).toEqual(Array(10).fill(to.revision));
    await screenshot(page, 'demo-deployment-rolled-back');
  }, 300_000);

  it('follows a rollout live without a reload: the canary held at its first step until requests reach it, then rolled out', async () => {
    const { from: newer, to: older } = rolledBack as NonNullable<typeof rolledBack>;
    // The champion moved back to the newer version, as `mlp models promote` does it (the deployment's own revision first, which rolls nothing out).
    for (const version of [older, newer]) {
      const promote = startChild(
        process.execPath,
        [
          cliBin,
          '-C',
          workspace,
          'models',
          'promote',
          'flights-delay',
          String(version),
          '--alias',
          'champion',
          '--force',
          '--reason',
          'demo UI test',
        ],
        { cwd: root, env },
      );
      const { code } = await promote.exited;
      expect(code, promote.output()).toBe(0);
    }
    // The page open since the rollback picks the rollout up by itself.
    await page.locator('p .status.progressing').waitFor({ timeout: 120_000 });
    const canary = page.getByTestId('revisions').locator('tr', { hasText: 'progressing' });
    await canary.filter({ hasText: `v${newer}` }).waitFor();
    const canaryRevision = Number(await canary.locator('td').first().textContent());
    // Its servers started, the first step sends it a share; with no requests the analysis cannot judge, so it stays there.
    await page.getByTestId('traffic').locator('.share').nth(1).waitFor({ timeout: 120_000 });
    await expect.poll(async () => Number(await canary.locator('td').nth(5).textContent()), { timeout: 60_000 }).toBeGreaterThanOrEqual(1);
    expect(await canary.locator('td').nth(4).textContent()).toBe('1');
    const shares = await page.getByTestId('traffic').locator('.share').allTextContents();
    expect(shares).toEqual([
      expect.stringMatching(new RegExp(`^v${older} \\d+%$`)),
      expect.stringMatching(new RegExp(`^v${newer} \\d+%$`)),
    ]);
    await screenshot(page, 'demo-rollout-held');

    // Requests through the router: each step's analysis passes, and the page follows the steps to the end.
    const { endpoint } = (await shownDeployment()).deployment;
    let sending = true;
    const traffic = (async () => {
      while (sending) await answeringRevision(endpoint);
    })();
    try {
      await page
        .getByTestId('traffic')
        .filter({ hasText: `v${newer} 100%` })
        .waitFor({ timeout: 240_000 });
    } finally {
      sending = false;
      await traffic;
    }
    await page.locator('p .status.healthy').waitFor();
    await page.getByTestId('deployment-history').locator('tbody tr').first().filter({ hasText: 'rolled_out' }).waitFor();
    // Each step it took is in the history the page shows.
    await page
      .getByTestId('deployment-history')
      .locator('tr', { hasText: `of traffic to revision ${canaryRevision}` })
      .first()
      .waitFor();
    await screenshot(page, 'demo-rollout-done');
  }, 600_000);
});
