import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRun } from '@mlp/orchestrate';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshot } from '../../test-support/browser.js';
import { type SeededSections, seedSections } from '../../test-support/sections-fixture.js';
import { startTestServer, type TestServer } from '../../test-support/test-server.js';

const write = { token: 'sections-ui-write-token-01', scopes: ['read', 'write'] as ['read', 'write'] };
const read = { token: 'sections-ui-read-token-012', scopes: ['read'] as ['read'] };

// The sections' pages in a real Chromium against a real mlp server; everything made through the packages' SDKs.
describe('the web UI sections in Chromium', () => {
  let server: TestServer;
  let seeded: SeededSections;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    server = await startTestServer({
      tokens: [write, read],
      compose: async (workspace, dir) => {
        const made = await seedSections(workspace, dir);
        seeded = made.seeded;
        return made.options;
      },
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await seeded?.registry.close();
  });

  it('signs in with a read token and shows every section in the navigation', async () => {
    await page.goto(`${server.url}/`);
    await page.fill('input[name=token]', read.token);
    await page.click('button[type=submit]');
    for (const name of ['Datasets', 'Models', 'Lineage', 'Pipelines', 'Deployments', 'Monitoring'])
      await page.locator('nav').getByRole('link', { name }).waitFor();
  });

  it('shows datasets, a version with its schema, its runs, and a validation report sandboxed', async () => {
    await page.locator('nav').getByRole('link', { name: 'Datasets' }).click();
    await page.getByTestId('datasets').getByRole('link', { name: 'flights', exact: true }).waitFor();
    await screenshot(page, 'datasets');
    await page.getByTestId('datasets').getByRole('link', { name: 'flights', exact: true }).click();
    await page.getByTestId('schema').filter({ hasText: '60 rows' }).waitFor();
    expect(await page.getByTestId('dataset-versions').locator('tbody tr').count()).toBe(2);
    expect(await page.getByTestId('dataset-runs').textContent()).toContain(seeded.runId);
    await page.getByTestId('validations').getByRole('button', { name: 'Report' }).click();
    const report = page.getByTestId('validation-report');
    await report.waitFor();
    expect(await report.getAttribute('sandbox')).toBe('');
    await page.frameLocator('[data-testid=validation-report]').locator('body').filter({ hasText: 'flights-checks' }).waitFor();
    await screenshot(page, 'dataset');
  });

  it('refuses to promote with a read token, showing the server error, then promotes with a write token', async () => {
    await page.locator('nav').getByRole('link', { name: 'Models' }).click();
    await page.getByTestId('models').getByRole('link', { name: 'delay' }).waitFor();
    await screenshot(page, 'models');
    await page.getByTestId('models').getByRole('link', { name: 'delay' }).click();
    await page.getByTestId('aliases').filter({ hasText: '@champion → v1' }).waitFor();
    await page.selectOption('select[name=version]', '2');
    await page.fill('input[name=alias]', 'champion');
    await page.getByTestId('check-gates').click();
    await page.getByTestId('gate-check').filter({ hasText: '✓ metrics.auc >= 0.5' }).waitFor();
    await page.getByTestId('promote').getByRole('button', { name: 'Promote' }).click();
    const refused = page.getByTestId('promote-error');
    await refused.filter({ hasText: 'PERMISSION_DENIED' }).waitFor();
    await screenshot(page, 'model-promote-refused');
    expect((await seeded.registry.getModel('delay')).aliases.champion).toBe(1);
    await page.getByTestId('promote-token').locator('input[name=write-token]').fill(write.token);
    await page.getByTestId('promote-token').getByRole('button', { name: 'Use token and retry' }).click();
    await page.getByTestId('promote-done').filter({ hasText: 'promoted' }).waitFor();
    await page.getByTestId('aliases').filter({ hasText: '@champion → v2' }).waitFor();
    expect((await seeded.registry.getModel('delay')).aliases.champion).toBe(2);
    expect(await page.getByTestId('gate-results').locator('tr').count()).toBe(2);
    await screenshot(page, 'model');
  });

  it('draws the lineage graph from a dataset version to the deployment', async () => {
    await page.goto(`${server.url}/lineage?dataset=${encodeURIComponent('flights@2')}`);
    const graph = page.getByTestId('lineage-graph');
    await graph.waitFor();
    expect(await graph.locator('g.node').count()).toBe(5);
    expect(await graph.locator('path.edge').count()).toBeGreaterThanOrEqual(4);
    for (const kind of ['dataset', 'run', 'model', 'deployment']) expect(await graph.locator(`g.node.${kind}`).count()).toBeGreaterThan(0);
    await screenshot(page, 'lineage');
  });

  it('shows pipelines, a run graph with task states, and a task log', async () => {
    await page.locator('nav').getByRole('link', { name: 'Pipelines' }).click();
    await page.getByTestId('pipeline-runs').locator('a').first().waitFor();
    await screenshot(page, 'pipelines');
    await page.getByTestId('pipeline-runs').locator('a').first().click();
    await page.getByTestId('run-graph').locator('[data-step=train][data-status=succeeded]').waitFor();
    // The recorded graph: prepare → train → report, and prepare → report.
    expect(await page.getByTestId('run-graph').locator('path.edge').count()).toBe(3);
    await page.getByTestId('run-graph').locator('[data-step=train]').click();
    await page.getByTestId('task-logs').filter({ hasText: 'trained on 60 rows' }).waitFor();
    await screenshot(page, 'pipeline-run');
  });

  it('follows a live run: the step running, then succeeded once it ends, without a reload', async () => {
    const gate = path.join(server.workspace.config.dir, 'gate-open');
    const modulePath = fileURLToPath(new URL('../../test-support/ui-live-pipeline.ts', import.meta.url));
    const live = await startRun(server.workspace, { name: 'ui-live', modulePath, sourceHash: '' }, { params: { gate } });
    try {
      await page.goto(`${server.url}/pipelines/runs/${live.runId}`);
      await page.getByTestId('run-graph').locator('[data-step=wait][data-status=running]').waitFor();
      await page.getByTestId('task-logs').filter({ hasText: 'waiting for the gate file' }).waitFor();
      await screenshot(page, 'pipeline-run-live');
      await writeFile(gate, 'open');
      await page.getByTestId('run-graph').locator('[data-step=after][data-status=succeeded]').waitFor();
      await page.getByTestId('run-status').filter({ hasText: 'succeeded' }).waitFor();
      await page.getByTestId('task-logs').filter({ hasText: 'gate opened' }).waitFor();
    } finally {
      await writeFile(gate, 'open');
      await live.done;
    }
  });

  it('shows deployments with their traffic split, and the server error of a rollback it cannot do', async () => {
    await page.locator('nav').getByRole('link', { name: 'Deployments' }).click();
    await page.getByTestId('deployments').getByRole('link', { name: 'delay-api' }).click();
    await page.getByTestId('revisions').waitFor();
    // No controller runs here: the new revision waits for its servers, so it has no traffic yet.
    await page.getByTestId('traffic').filter({ hasText: 'no traffic yet' }).waitFor();
    await page.getByTestId('rollback').getByRole('button', { name: 'Roll back' }).click();
    // One revision only: the server says there is nothing earlier, and the page shows its words.
    await page.getByTestId('rollback-error').filter({ hasText: 'has no earlier revision to roll back to' }).waitFor();
    await screenshot(page, 'deployment');
  });

  it('shows the monitors’ alerts', async () => {
    await page.locator('nav').getByRole('link', { name: 'Monitoring' }).click();
    await page.getByTestId('alerts').filter({ hasText: 'flights-drift' }).waitFor();
    expect(await page.getByTestId('alerts').textContent()).toContain('firing');
    await page.getByTestId('alert-timeline').waitFor();
    // The dataset monitor's two windows: a line of two points, and the latest window's columns.
    const drift = page.locator('[data-testid=drift-chart][data-monitor=flights-data]');
    await drift.locator('circle').nth(1).waitFor();
    expect(await drift.locator('circle').count()).toBe(2);
    expect(await drift.getByTestId('drift-columns').locator('tbody tr').count()).toBe(2);
    await screenshot(page, 'monitoring');
  });

  it('says so for unknown models, datasets, deployments and pipeline runs', async () => {
    for (const [path, title, shot] of [
      ['/models/no-such-model', 'Model not found', 'unknown-model'],
      ['/datasets/no-such-dataset', 'Dataset not found', 'unknown-dataset'],
      ['/deployments/no-such-deployment', 'Deployment not found', 'unknown-deployment'],
      ['/pipelines/runs/no-such-run', 'Pipeline run not found', 'unknown-pipeline-run'],
    ] as const) {
      await page.goto(`${server.url}${path}`);
      await page.getByTestId('message-page').filter({ hasText: title }).waitFor();
      await screenshot(page, shot);
    }
  });
});
