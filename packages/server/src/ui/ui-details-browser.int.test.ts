import { openRegistry, type Registry } from '@mlp/registry';
import { openSqlTrackingStore } from '@mlp/tracking';
import { defineSuite, openValidationStore, validate, validationResultsReader } from '@mlp/validate';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drawnPixels, launchChromium, screenshot } from '../test-support/browser.js';
import { startTestServer, type TestServer } from '../test-support/test-server.js';

const write = { token: 'details-ui-write-token-01', scopes: ['read', 'write'] as ['read', 'write'] };
const read = { token: 'details-ui-read-token-012', scopes: ['read'] as ['read'] };
const start = 1_700_000_000_000;

// What issue 17 lists that the other browser tests leave out: the compare page's x axis modes,
// smoothing and log scale read back from the chart; a plain-text artifact preview; a run's validation
// results with their HTML reports; setting an alias with a write token; the runs table's column
// chooser over params and tags; and the pages for ids that do not exist and the filter parser's words.
describe('the web UI in Chromium: compare controls, previews, a run’s validations, aliases and bad input', () => {
  let server: TestServer;
  let registry: Registry;
  let browser: Browser;
  let page: Page;
  let experimentId: string;
  const runIds: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({
      tokens: [write, read],
      compose: async (workspace) => {
        const store = await openSqlTrackingStore(workspace);
        experimentId = (await store.createExperiment({ name: 'details' })).experimentId;
        for (const [name, rate] of [
          ['alpha', 0.02],
          ['beta', 0.05],
        ] as const) {
          const run = await store.createRun({ experimentId, name, startTime: start });
          // Two seconds a step, so relative time (s) is twice the step; a zigzag, so smoothing changes every value.
          await store.logBatch(run.runId, {
            params: [{ key: 'rate', value: String(rate) }],
            tags: [{ key: 'team', value: name === 'alpha' ? 'ml' : 'ops' }],
            metrics: Array.from({ length: 100 }, (_, step) => ({
              key: 'loss',
              value: Math.exp(-step * rate) + 0.05 + (step % 2 ? 0.03 : -0.03),
              timestamp: start + step * 2000,
              step,
            })),
          });
          runIds.push(run.runId);
        }
        const artifacts = `mlflow-artifacts/${experimentId}/${runIds[0]}/artifacts`;
        await workspace.blobs.put(`${artifacts}/notes.txt`, 'trained on 100 steps\nno warnings\n');
        await workspace.blobs.put(`${artifacts}/model/model.onnx`, 'weights');
        registry = await openRegistry(workspace, { actor: 'ada' });
        for (let i = 0; i < 2; i++) await registry.registerVersion({ name: 'delay', source: `runs:/${runIds[0]}/model` });
        // A validation recorded with the run, as a pipeline's validate step records it.
        const suite = defineSuite('delay-checks').expect('expectColumnValuesToBeBetween', { column: 'delay', minValue: 0, maxValue: 60 });
        await validate([{ delay: 5 }, { delay: 75 }], suite, { workspace, runId: runIds[1] });
        return { registry, validations: validationResultsReader(await openValidationStore(workspace)) };
      },
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${server.url}/`);
    await page.fill('input[name=token]', read.token);
    await page.click('button[type=submit]');
    await page.locator('nav').getByRole('link', { name: 'Models' }).waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await registry?.close();
    await server?.stop();
  });

  /** The chart's legend with the cursor over the middle of its plot: [x, each run's y]. */
  async function legendAtMiddle(chart: string): Promise<string[]> {
    const over = page.locator(`[data-chart="${chart}"] .u-over`);
    const box = await over.boundingBox();
    if (!box) return [];
    // Two moves: uPlot updates the legend on a move inside the plot.
    await page.mouse.move(box.x + box.width / 2 - 3, box.y + box.height / 2);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    return page.locator(`[data-chart="${chart}"] .u-legend .u-value`).allTextContents();
  }

  it('compares runs against step, relative time and time, smoothed and on a log scale', async () => {
    await page.goto(`${server.url}/compare?runs=${runIds.join(',')}`);
    await page.locator('[data-chart="loss"] canvas').first().waitFor();
    await expect.poll(() => drawnPixels(page, '[data-chart="loss"]')).toBeGreaterThan(100);
    let byStep: string[] = [];
    await expect
      .poll(async () => {
        byStep = await legendAtMiddle('loss');
        return byStep.length === 3 && byStep.every((value) => /\d/.test(value));
      })
      .toBe(true);
    const step = Number(byStep[0]);
    expect(step).toBeGreaterThan(0);

    // The same point against relative time: two seconds a step.
    await page.selectOption('select[name=x]', 'relative');
    await expect.poll(async () => Number((await legendAtMiddle('loss'))[0])).toBe(2 * step);
    // Against time: the legend shows the point's date.
    await page.selectOption('select[name=x]', 'time');
    await expect.poll(async () => (await legendAtMiddle('loss'))[0]).toMatch(/2023/);
    await screenshot(page, 'compare-time');

    await page.selectOption('select[name=x]', 'step');
    await expect.poll(async () => (await legendAtMiddle('loss'))[0]).toBe(byStep[0]);
    await page.locator('input[name=smoothing]').evaluate((input) => {
      const range = input as unknown as { value: string; dispatchEvent(event: unknown): boolean };
      range.value = '0.9';
      range.dispatchEvent(
        new (globalThis as unknown as { Event: new (type: string, init: object) => unknown }).Event('input', { bubbles: true }),
      );
    });
    // Smoothed: the zigzag's value at the same step is replaced by its moving average.
    await expect.poll(async () => (await legendAtMiddle('loss'))[1]).not.toBe(byStep[1]);
    expect((await legendAtMiddle('loss'))[0]).toBe(byStep[0]);
    await screenshot(page, 'compare-smoothed');

    const linear = await chartImage('loss');
    await page.check('input[name=log]');
    await expect.poll(() => chartImage('loss')).not.toBe(linear);
    await expect.poll(() => drawnPixels(page, '[data-chart="loss"]')).toBeGreaterThan(100);
    await screenshot(page, 'compare-log');
  });

  /** The chart's plot as a PNG data URL: what it draws, to tell two drawings apart. */
  function chartImage(chart: string): Promise<string> {
    return page
      .locator(`[data-chart="${chart}"] canvas`)
      .first()
      .evaluate((canvas) => (canvas as unknown as { toDataURL(): string }).toDataURL());
  }

  it('previews a plain-text artifact', async () => {
    await page.goto(`${server.url}/runs/${runIds[0]}`);
    await page.getByRole('button', { name: 'notes.txt' }).click();
    await page.locator('pre.preview').filter({ hasText: 'trained on 100 steps' }).waitFor();
    await screenshot(page, 'run-text-preview');
  });

  it("lists the validations recorded with a run, and shows one's HTML report sandboxed", async () => {
    await page.goto(`${server.url}/runs/${runIds[0]}`);
    await page.getByRole('button', { name: 'notes.txt' }).waitFor();
    expect(await page.getByTestId('run-validations').count()).toBe(0);
    await page.goto(`${server.url}/runs/${runIds[1]}`);
    const validations = page.getByTestId('run-validations');
    await validations.locator('tr', { hasText: 'delay-checks' }).locator('td.fail').waitFor();
    await validations.getByRole('button', { name: 'Report' }).click();
    expect(await page.getByTestId('validation-report').getAttribute('sandbox')).toBe('');
    await page.frameLocator('[data-testid=validation-report]').locator('body').filter({ hasText: 'delay-checks' }).waitFor();
    await screenshot(page, 'run-validations');
  });

  it('sets an alias: refused with the read token (the server’s words shown), done with a write token', async () => {
    await page.goto(`${server.url}/models/delay`);
    await page.getByTestId('aliases').filter({ hasText: 'None yet.' }).waitFor();
    await page.selectOption('select[name=version]', '2');
    await page.fill('input[name=alias]', 'challenger');
    await page.getByTestId('set-alias').getByRole('button', { name: 'Set alias' }).click();
    await page.getByTestId('set-alias-error').filter({ hasText: 'PERMISSION_DENIED' }).waitFor();
    expect((await registry.getModel('delay')).aliases).toEqual({});
    await page.getByTestId('set-alias-token').locator('input[name=write-token]').fill(write.token);
    await page.getByTestId('set-alias-token').getByRole('button', { name: 'Use token and retry' }).click();
    await page.getByTestId('set-alias-done').filter({ hasText: '@challenger → v2' }).waitFor();
    await page.getByTestId('aliases').filter({ hasText: '@challenger → v2' }).waitFor();
    expect((await registry.getModel('delay')).aliases).toEqual({ challenger: 2 });
    await page.getByTestId('audit').locator('tr', { hasText: '@challenger' }).waitFor();
    await screenshot(page, 'model-alias');
  });

  it('says so for an unknown experiment, compared run, and lineage of an unknown model', async () => {
    for (const [path, title] of [
      ['/experiments/987654321', 'Experiment not found'],
      [`/compare?runs=${runIds[0]},0123456789abcdef0123456789abcdef`, 'Run not found'],
      ['/lineage?model=no-such-model', 'Model not found'],
    ] as const) {
      await page.goto(`${server.url}${path}`);
      await page.getByTestId('message-page').filter({ hasText: title }).waitFor();
    }
    await screenshot(page, 'unknown-lineage-model');
  });

  it("chooses the runs table's columns among metrics, params and tags", async () => {
    await page.goto(`${server.url}/experiments/${experimentId}`);
    const column = (name: string) => page.locator('.vhead').getByRole('button', { name, exact: true });
    for (const name of ['loss', 'rate', 'team']) await column(name).waitFor();
    await page.getByRole('button', { name: 'Columns' }).click();
    const chooser = page.getByTestId('column-chooser');
    await chooser.getByLabel('params.rate').uncheck();
    await chooser.getByLabel('tags.team').uncheck();
    await column('rate').waitFor({ state: 'detached' });
    expect(await column('team').count()).toBe(0);
    expect(await column('loss').count()).toBe(1);
    await chooser.getByLabel('tags.team').check();
    await column('team').waitFor();
    expect(await page.locator('[data-run-id]', { hasText: 'ops' }).count()).toBe(1);
    await screenshot(page, 'runs-columns-chosen');
  });

  it("shows the filter parser's own message under the box", async () => {
    const filter = 'params.rate = 0.02 and (';
    const answer = await server.get(`/api/ui/experiments/${experimentId}/runs`, { filter }, { authorization: `Bearer ${read.token}` });
    expect(answer.status).toBe(400);
    const message = answer.body.message as string;
    expect(message.length).toBeGreaterThan(10);
    await page.goto(`${server.url}/experiments/${experimentId}`);
    await page.fill('input[name=filter]', filter);
    await page.press('input[name=filter]', 'Enter');
    await page.getByTestId('filter-error').waitFor();
    expect(await page.getByTestId('filter-error').textContent()).toBe(message);
    await screenshot(page, 'runs-filter-parser-message');
  });
});
