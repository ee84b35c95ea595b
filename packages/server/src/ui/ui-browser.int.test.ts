import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drawnPixels, launchChromium, screenshot } from '../test-support/browser.js';
import { startTestServer, type TestServer } from '../test-support/test-server.js';

const writeToken = { token: 'ui-write-token-0123456789', scopes: ['read', 'write'] as ['read', 'write'] };

// The web UI in a real Chromium against a real mlp server, runs made through the tracking SDK.
describe('the web UI in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let experimentId: string;
  const runIds: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({ tokens: [writeToken] });
    const { tracking } = server;
    experimentId = (await tracking.createExperiment({ name: 'browser-test' })).experimentId;
    for (const [name, lr] of [
      ['alpha', 0.1],
      ['beta', 0.01],
      ['gamma', 0.001],
    ] as const) {
      const run = await tracking.createRun({ experimentId, name, startTime: 1_700_000_000_000 });
      runIds.push(run.runId);
      const metrics = Array.from({ length: 200 }, (_, step) => ({
        key: 'loss',
        value: Math.exp(-step * lr) + 0.05,
        timestamp: 1_700_000_000_000 + step * 1000,
        step,
      }));
      await tracking.logBatch(run.runId, {
        params: [
          { key: 'lr', value: String(lr) },
          { key: 'model', value: 'mlp' },
        ],
        metrics: [...metrics, { key: 'accuracy', value: 1 - lr, timestamp: 1_700_000_000_000, step: 0 }],
        tags: [{ key: 'team', value: 'ml' }],
      });
    }
    await server.workspace.blobs.put(`mlflow-artifacts/${experimentId}/${runIds[0]}/artifacts/summary.json`, '{"rows": 3}');
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('asks for the token, then lists the experiments', async () => {
    await page.goto(`${server.url}/`);
    await page.getByTestId('token-form').waitFor();
    await screenshot(page, 'token');
    await page.fill('input[name=token]', writeToken.token);
    await page.click('button[type=submit]');
    await page.getByRole('link', { name: 'browser-test' }).waitFor();
    await screenshot(page, 'experiments');
  });

  it('shows the runs table, filters it, and shows a syntax error under the box', async () => {
    await page.getByRole('link', { name: 'browser-test' }).click();
    await page.getByTestId('run-count').filter({ hasText: '3 runs' }).waitFor();
    await screenshot(page, 'runs');
    await page.fill('input[name=filter]', 'params.lr = ');
    await page.press('input[name=filter]', 'Enter');
    const error = page.getByTestId('filter-error');
    await error.waitFor();
    expect((await error.textContent())?.length).toBeGreaterThan(5);
    await screenshot(page, 'runs-filter-error');
    await page.fill('input[name=filter]', 'metrics.accuracy > 0.95');
    await page.press('input[name=filter]', 'Enter');
    await page.getByTestId('run-count').filter({ hasText: '2 runs' }).waitFor();
    expect(await page.getByTestId('filter-error').count()).toBe(0);
  });

  it('compares two runs: overlaid charts drawn, a diff table', async () => {
    await page.getByLabel('select gamma').check();
    await page.getByLabel('select beta').check();
    await page.getByTestId('compare').click();
    await page.getByTestId('diff-table').waitFor();
    await page.locator('[data-chart="loss"] canvas').first().waitFor();
    await expect.poll(() => drawnPixels(page, '[data-chart="loss"]')).toBeGreaterThan(100);
    expect(await page.getByTestId('diff-table').textContent()).toContain('params.lr');
    await page.selectOption('select[name=x]', 'relative');
    await page.check('input[name=log]');
    await expect.poll(() => drawnPixels(page, '[data-chart="loss"]')).toBeGreaterThan(100);
    await screenshot(page, 'compare');
  });

  it('shows a run with its charts and an artifact preview', async () => {
    await page.goto(`${server.url}/runs/${runIds[0]}`);
    await page.locator('[data-chart^="loss"] canvas').first().waitFor();
    await expect.poll(() => drawnPixels(page, '[data-chart^="loss"]')).toBeGreaterThan(100);
    await page.getByRole('button', { name: 'summary.json' }).click();
    await page.locator('pre.preview').filter({ hasText: '"rows": 3' }).waitFor();
    await screenshot(page, 'run');
  });

  it('says so for an unknown run id', async () => {
    await page.goto(`${server.url}/runs/0123456789abcdef0123456789abcdef`);
    await page.getByTestId('message-page').filter({ hasText: 'Run not found' }).waitFor();
    await screenshot(page, 'unknown-run');
  });
});
