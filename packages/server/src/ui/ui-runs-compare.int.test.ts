import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drawnPixels, launchChromium, screenshot } from '../test-support/browser.js';
import { startTestServer, type TestServer } from '../test-support/test-server.js';

// A 2×2 red PNG.
const png = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==',
  'base64',
);
const runCount = 250;

// The runs table streamed in pages, the compare page's charts, and a run's artifacts, in a real Chromium.
describe('the runs table, compare page and run page in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let experimentId: string;
  let manyMetricsRun: string;
  const runIds: string[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    const { tracking } = server;
    experimentId = (await tracking.createExperiment({ name: 'streamed' })).experimentId;
    for (let start = 0; start < runCount; start += 25) {
      const made = await Promise.all(
        Array.from({ length: 25 }, async (_, j) => {
          const i = start + j;
          const run = await tracking.createRun({
            experimentId,
            name: `run-${String(i).padStart(3, '0')}`,
            startTime: 1_700_000_000_000 + i,
          });
          await tracking.logBatch(run.runId, {
            params: [
              { key: 'lr', value: String((i % 10) / 100) },
              { key: 'layers', value: String(1 + (i % 4)) },
            ],
            metrics: [
              { key: 'score', value: i, timestamp: 1_700_000_000_000, step: 0 },
              { key: 'loss', value: 1 / (i + 1), timestamp: 1_700_000_000_000, step: 0 },
              { key: 'loss', value: 0.5 / (i + 1), timestamp: 1_700_000_001_000, step: 1 },
            ],
            tags: [{ key: 'team', value: i % 2 ? 'odd' : 'even' }],
          });
          return run.runId;
        }),
      );
      runIds.push(...made);
    }
    const first = runIds[0] as string;
    const artifacts = `mlflow-artifacts/${experimentId}/${first}/artifacts`;
    await server.workspace.blobs.put(`${artifacts}/plot.png`, png);
    await server.workspace.blobs.put(`${artifacts}/table.csv`, 'name,score\nalpha,1\nbeta,2\n');
    await server.workspace.blobs.put(`${artifacts}/report.html`, '<h1>Validation report</h1><script>document.title = "ran"</script>');
    await server.workspace.blobs.put(`${artifacts}/big.txt`, 'x'.repeat(3 * 1024 * 1024));
    await tracking.logInputs(first, [
      { name: 'flights', digest: 'abc123', sourceType: 'local', source: 'data/flights.csv', context: 'training' },
    ]);
    manyMetricsRun = (await tracking.createRun({ experimentId: '0', name: 'many-metrics' })).runId;
    await tracking.logBatch(manyMetricsRun, {
      metrics: Array.from({ length: 24 }, (_, k) =>
        Array.from({ length: 40 }, (_, step) => ({
          key: `m${String(k).padStart(2, '0')}`,
          value: Math.sin(step / 5 + k),
          timestamp: 1_700_000_000_000 + step,
          step,
        })),
      ).flat(),
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('draws the first page with the total, streams the rest, and scrolls to the last run', async () => {
    await page.goto(`${server.url}/experiments/${experimentId}`);
    await page
      .getByTestId('run-count')
      .filter({ hasText: `${runCount} runs` })
      .waitFor();
    await page.locator('[data-run-id]').first().waitFor();
    // Newest first: run-249 on top; only the rows in view (and a margin) are in the DOM.
    expect(await page.locator('[data-run-id]').first().textContent()).toContain('run-249');
    expect(await page.locator('[data-run-id]').count()).toBeLessThan(80);
    await page
      .getByTestId('run-count')
      .filter({ hasText: /^250 runs$/ })
      .waitFor();
    await page.getByTestId('runs-body').evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
    await page.locator('[data-run-id]').filter({ hasText: 'run-000' }).waitFor();
    await screenshot(page, 'runs-streamed');
  });

  it('sorts on the server by a metric column and hides a column with the chooser', async () => {
    await page.getByRole('button', { name: 'score', exact: true }).click();
    await page.waitForURL(/order_by=metrics.score\+ASC|order_by=metrics.score%20ASC/);
    await expect.poll(async () => page.locator('[data-run-id]').first().textContent()).toContain('run-000');
    await page.getByRole('button', { name: /^score/ }).click();
    await expect.poll(async () => page.locator('[data-run-id]').first().textContent()).toContain('run-249');
    expect(await page.getByRole('button', { name: 'team', exact: true }).count()).toBe(1);
    await page.getByRole('button', { name: 'Columns' }).click();
    await page.getByTestId('column-chooser').getByLabel('metrics.loss').uncheck();
    expect(await page.getByRole('button', { name: 'loss', exact: true }).count()).toBe(0);
    await screenshot(page, 'runs-sorted');
  });

  it('compares runs: parallel coordinates, a scatter and a diff table that marks differences', async () => {
    const ids = runIds.slice(0, 12);
    await page.goto(`${server.url}/compare?runs=${ids.join(',')}`);
    await page.getByTestId('diff-table').waitFor();
    await expect.poll(() => drawnPixels(page, '.charts [data-chart="loss"]')).toBeGreaterThan(100);
    // The parallel-coordinates canvas is the page section's own (the charts' canvases sit deeper).
    const inked = await drawnPixels(page, '.compare-page >');
    expect(inked).toBeGreaterThan(100);
    await page.selectOption('select[name=scatter-x]', 'params.lr');
    await page.selectOption('select[name=scatter-y]', 'metrics.score');
    await page.locator('[data-chart="metrics.score against params.lr"]').scrollIntoViewIfNeeded();
    await page.locator('[data-chart="metrics.score against params.lr"] canvas').first().waitFor();
    await expect.poll(() => drawnPixels(page, '[data-chart="metrics.score against params.lr"]')).toBeGreaterThan(20);
    expect(await page.locator('[data-testid=diff-table] tr.differs th').allTextContents()).toEqual(
      expect.arrayContaining(['params.lr', 'metrics.score']),
    );
    await screenshot(page, 'compare-many');
  });

  it('mounts a run page’s charts only as they scroll into view', async () => {
    await page.goto(`${server.url}/runs/${manyMetricsRun}`);
    await page.getByRole('heading', { name: 'Charts' }).waitFor();
    // A dozen charts are mounted (the rest wait behind "more"), each drawn once it scrolls into view.
    expect(await page.locator('.charts > *').count()).toBe(12);
    expect(await page.locator('[data-chart^="m11"]').count()).toBe(0);
    await page.locator('.charts > :last-child').scrollIntoViewIfNeeded();
    await page.locator('[data-chart^="m11"] canvas').first().waitFor();
    await expect.poll(() => drawnPixels(page, '[data-chart^="m11"]')).toBeGreaterThan(100);
    // The charts scrolled past in one jump were never in view: never fetched, never drawn.
    expect(await page.locator('.charts canvas').count()).toBeGreaterThan(0);
    expect(await page.locator('.charts [data-chart]').count()).toBeLessThan(12);
    await page.getByTestId('more-charts').click();
    await page.locator('.charts > :last-child').scrollIntoViewIfNeeded();
    await page.locator('[data-chart^="m23"] canvas').first().waitFor();
    await expect.poll(() => drawnPixels(page, '[data-chart^="m23"]')).toBeGreaterThan(100);
    expect(await page.locator('.charts [data-chart]').count()).toBeLessThan(24);
    await screenshot(page, 'run-many-charts');
  });

  it('previews a run’s image, CSV and sandboxed HTML report, offers a download when too large, and lists its datasets', async () => {
    await page.goto(`${server.url}/runs/${runIds[0]}`);
    await page.getByText('flights').first().waitFor();
    expect(await page.locator('.run-page').textContent()).toContain('abc123');
    await page.getByRole('button', { name: 'plot.png' }).click();
    await expect
      .poll(() => page.locator('img.preview').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth))
      .toBe(2);
    await page.getByRole('button', { name: 'table.csv' }).click();
    await page.locator('.preview table td').filter({ hasText: 'beta' }).waitFor();
    await page.getByRole('button', { name: 'report.html' }).click();
    const frame = page.locator('iframe.preview');
    await frame.waitFor();
    expect(await frame.getAttribute('sandbox')).toBe('');
    await page.frameLocator('iframe.preview').getByRole('heading', { name: 'Validation report' }).waitFor();
    // Scripts do not run in the sandbox.
    expect(
      await page
        .frameLocator('iframe.preview')
        .locator('html')
        .evaluate((html) => (html.ownerDocument as unknown as { title: string }).title),
    ).toBe('');
    await screenshot(page, 'run-html-report');
    await page.getByRole('button', { name: 'big.txt' }).click();
    await page.getByTestId('too-large').waitFor();
    const download = page.waitForEvent('download');
    await page
      .getByTestId('too-large')
      .getByRole('button', { name: /Download/ })
      .click();
    expect((await download).suggestedFilename()).toBe('big.txt');
    await screenshot(page, 'run-artifacts');
  });
});
