import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drawnPixels, launchChromium, screenshot } from '../test-support/browser.js';
import { startTestServer, type TestServer } from '../test-support/test-server.js';

const keyName = (k: number) => `key_${String(k).padStart(4, '0')}`;
const wideKey = (k: number) => `metric_${String(k).padStart(4, '0')}`;

// Thousands of metric keys (where MLflow's UI crashes: mlflow#24012, #11927) in a real Chromium: a run
// with 5,000 keys, and an experiment whose runs have 2,000 distinct keys between them.
describe('the web UI with thousands of metric keys', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let runId: string;
  let wideExperiment: string;

  beforeAll(async () => {
    server = await startTestServer();
    const { tracking } = server;
    const experimentId = (await tracking.createExperiment({ name: 'many-keys' })).experimentId;
    runId = (await tracking.createRun({ experimentId, name: 'five-thousand' })).runId;
    // 5,000 keys of three steps each, in batches the MLflow limits allow (1,000 metrics).
    for (let start = 0; start < 5000; start += 300) {
      const metrics = [];
      for (let k = start; k < Math.min(5000, start + 300); k++)
        for (let step = 0; step < 3; step++)
          metrics.push({ key: keyName(k), value: k + step / 10, timestamp: 1_700_000_000_000 + step, step });
      await tracking.logBatch(runId, { metrics });
    }
    // 40 runs of 50 keys each, 2,000 distinct keys between them.
    wideExperiment = (await tracking.createExperiment({ name: 'wide' })).experimentId;
    for (let i = 0; i < 40; i++) {
      const run = await tracking.createRun({ experimentId: wideExperiment, name: `wide-${i}` });
      await tracking.logBatch(run.runId, {
        metrics: Array.from({ length: 50 }, (_, k) => ({
          key: wideKey(i * 50 + k),
          value: i * 50 + k,
          timestamp: 1_700_000_000_000,
          step: 0,
        })),
      });
    }
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('opens a run with 5,000 metrics: the list draws only the rows in view, searches, scrolls to the last key; a dozen charts mounted', async () => {
    await page.goto(`${server.url}/runs/${runId}`);
    const list = page.getByTestId('metrics');
    await list.locator('th', { hasText: keyName(0) }).waitFor();
    expect(await list.locator('tr').count()).toBeLessThan(40);
    await page.locator('h2', { hasText: 'Metrics (5000)' }).waitFor();
    // Charts: the first dozen mounted, the rest behind "more" and the search.
    expect(await page.locator('.charts > *').count()).toBe(12);
    await page.getByTestId('more-charts').filter({ hasText: 'Show 12 more of 4988 charts' }).waitFor();
    await screenshot(page, 'run-5000-metrics');

    // Scrolling the list to its end shows the last key, still with a few dozen rows drawn.
    // Browser code as text: the server's types have no DOM.
    await page.evaluate('{ const box = document.querySelector(".kv-box:has([data-testid=metrics])"); box.scrollTop = box.scrollHeight; }');
    await list.locator('th', { hasText: keyName(4999) }).waitFor();
    expect(await list.locator('tr').count()).toBeLessThan(40);
    expect(
      await list
        .locator('tr', { has: page.locator('th', { hasText: keyName(4999) }) })
        .locator('td')
        .textContent(),
    ).toBe('4999.2');

    await page.fill('input[name=metrics-search]', keyName(4321));
    await list
      .locator('tr')
      .first()
      .filter({ hasText: keyName(4321) })
      .waitFor();
    expect(await list.locator('tr').count()).toBe(1);

    await page.fill('input[name=chart-search]', keyName(4321));
    await expect.poll(() => page.locator('.charts > *').count()).toBe(1);
    const chart = `[data-chart^="${keyName(4321)} "]`;
    await page.locator(`${chart} canvas`).first().waitFor();
    await expect.poll(() => drawnPixels(page, chart)).toBeGreaterThan(100);
    await screenshot(page, 'run-5000-metrics-search');
  });

  it('opens a runs table with 2,000 metric keys: the chooser searches them and adds the one found', async () => {
    await page.goto(`${server.url}/experiments/${wideExperiment}`);
    await page.getByTestId('run-count').filter({ hasText: '40 runs' }).waitFor();
    await page.getByRole('button', { name: 'Columns' }).click();
    const chooser = page.getByTestId('column-chooser');
    await page.getByTestId('column-matches').filter({ hasText: '100 of 2000 matching columns shown' }).waitFor();
    expect(await chooser.locator('label').count()).toBe(100);

    await page.fill('input[name=column-search]', wideKey(1999));
    await page.getByTestId('column-matches').filter({ hasText: '1 matching columns' }).waitFor();
    await chooser.getByLabel(`metrics.${wideKey(1999)}`).check();
    await page.getByRole('button', { name: wideKey(1999) }).waitFor();
    // The run that logged it (wide-39) shows its value in the new column.
    await page.locator('[data-run-id]', { hasText: 'wide-39' }).filter({ hasText: '1999' }).waitFor();
    await screenshot(page, 'runs-2000-keys');
  });
});
