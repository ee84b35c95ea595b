import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test-support/test-server.js';

const readToken = { token: 'ui-read-token-0123456789', scopes: ['read'] as ['read'] };

describe('the web UI API and pages', () => {
  let server: TestServer;
  let experimentId: string;
  let runA: string;
  let runB: string;
  beforeAll(async () => {
    server = await startTestServer();
    const { tracking } = server;
    experimentId = (await tracking.createExperiment({ name: 'ui-api' })).experimentId;
    runA = (await tracking.createRun({ experimentId, name: 'a' })).runId;
    runB = (await tracking.createRun({ experimentId, name: 'b' })).runId;
    await tracking.logBatch(runA, { params: [{ key: 'lr', value: '0.1' }], metrics: [{ key: 'rmse', value: 0.5, timestamp: 1, step: 0 }] });
    await tracking.logBatch(runB, { params: [{ key: 'lr', value: '0.01' }], metrics: [{ key: 'rmse', value: 2, timestamp: 1, step: 0 }] });
    // A 20,000-point history with one spike.
    for (let start = 0; start < 20_000; start += 1000) {
      const metrics = Array.from({ length: 1000 }, (_, i) => ({
        key: 'loss',
        value: start + i === 12_345 ? 99 : 1 / (start + i + 1),
        timestamp: 1000 + start + i,
        step: start + i,
      }));
      await tracking.logBatch(runA, { metrics });
    }
    await server.workspace.blobs.put(`mlflow-artifacts/${experimentId}/${runA}/artifacts/report.json`, '{"ok":true}');
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('lists experiments and an experiment runs, filtered with MLflow syntax', async () => {
    const experiments = await server.get('/api/ui/experiments');
    expect(experiments.status).toBe(200);
    expect((experiments.body.experiments as { name: string }[]).map((e) => e.name)).toContain('ui-api');
    const runs = await server.get(`/api/ui/experiments/${experimentId}/runs`, { filter: 'metrics.rmse < 1' });
    expect(runs.status).toBe(200);
    expect((runs.body.runs as { run_id: string; params: Record<string, string> }[]).map((r) => [r.run_id, r.params.lr])).toEqual([
      [runA, '0.1'],
    ]);
    expect(runs.body.total).toBe(1);
    const sorted = await server.get(`/api/ui/experiments/${experimentId}/runs`, { order_by: 'metrics.rmse DESC' });
    expect((sorted.body.runs as { run_id: string }[]).map((r) => r.run_id)).toEqual([runB, runA]);
  });

  it('pages the runs table with the total of every page, sorted by the server', async () => {
    const first = await server.get(`/api/ui/experiments/${experimentId}/runs`, { order_by: 'metrics.rmse ASC', max_results: '1' });
    expect(first.status).toBe(200);
    expect((first.body.runs as { run_id: string }[]).map((r) => r.run_id)).toEqual([runA]);
    expect(first.body.total).toBe(2);
    expect(typeof first.body.next_page_token).toBe('string');
    const second = await server.get(`/api/ui/experiments/${experimentId}/runs`, {
      order_by: 'metrics.rmse ASC',
      max_results: '1',
      page_token: String(first.body.next_page_token),
    });
    expect((second.body.runs as { run_id: string }[]).map((r) => r.run_id)).toEqual([runB]);
    expect(second.body.total).toBe(2);
    const tooMany = await server.get(`/api/ui/experiments/${experimentId}/runs`, { max_results: '100000' });
    expect(tooMany.status).toBe(400);
  });

  it("answers a filter's syntax error with the parser's message", async () => {
    const bad = await server.get(`/api/ui/experiments/${experimentId}/runs`, { filter: 'metrics.rmse <' });
    expect(bad.status).toBe(400);
    expect(bad.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(String(bad.body.message)).toMatch(/rmse|value|expected/i);
  });

  it('downsamples a metric history to about the width asked, keeping the spike and both ends', async () => {
    const answer = await server.get(`/api/ui/runs/${runA}/metrics/loss`, { width: '200' });
    expect(answer.status).toBe(200);
    const { x, y, total_points } = answer.body as { x: number[]; y: number[]; total_points: number };
    expect(total_points).toBe(20_000);
    expect(x.length).toBeLessThanOrEqual(4 * 200);
    expect(x[0]).toBe(0);
    expect(x.at(-1)).toBe(19_999);
    expect(y[x.indexOf(12_345)]).toBe(99);
  });

  it('reduces many runs × metrics in one request, in run-major order', async () => {
    const res = await fetch(`${server.url}/api/ui/metric-histories?run_id=${runA}&run_id=${runB}&key=loss&key=rmse&width=50`);
    expect(res.status).toBe(200);
    const { histories } = (await res.json()) as {
      histories: { run_id: string; key: string; total_points: number; x: number[]; y: number[] }[];
    };
    expect(histories.map((h) => [h.run_id, h.key, h.total_points])).toEqual([
      [runA, 'loss', 20_000],
      [runA, 'rmse', 1],
      [runB, 'loss', 0],
      [runB, 'rmse', 1],
    ]);
    const loss = histories[0] as { x: number[]; y: number[] };
    expect(loss.x.length).toBeLessThanOrEqual(5 * 50);
    expect(loss.y[loss.x.indexOf(12_345)]).toBe(99);
    const unknown = await fetch(`${server.url}/api/ui/metric-histories?run_id=0123456789abcdef0123456789abcdef&key=loss`);
    expect(unknown.status).toBe(404);
    const narrow = await fetch(`${server.url}/api/ui/metric-histories?run_id=${runA}&key=loss&width=1`);
    expect(narrow.status).toBe(400);
  });

  it('widens buckets to at least min_bucket_steps steps, keeping the extremes', async () => {
    const ask = (extra: string) =>
      fetch(`${server.url}/api/ui/metric-histories?run_id=${runA}&run_id=${runB}&key=loss&key=rmse&width=1000${extra}`);
    const fine = (await (await ask('')).json()) as { histories: { x: number[]; y: number[] }[] };
    const res = await ask('&min_bucket_steps=64');
    expect(res.status).toBe(200);
    const { histories } = (await res.json()) as {
      histories: { run_id: string; key: string; total_points: number; x: number[]; y: number[] }[];
    };
    expect(histories.map((h) => [h.run_id, h.key, h.total_points, h.x.length])).toEqual([
      [runA, 'loss', 20_000, expect.any(Number)],
      [runA, 'rmse', 1, 1],
      [runB, 'loss', 0, 0],
      [runB, 'rmse', 1, 1],
    ]);
    const loss = histories[0] as { x: number[]; y: number[] };
    // 20,000 steps in 64-step buckets: 313 buckets of at most 5 points, not the 1,000 asked for.
    expect(loss.x.length).toBeLessThanOrEqual(5 * 313);
    expect(loss.x.length).toBeLessThan((fine.histories[0] as { x: number[] }).x.length);
    expect(loss.y[loss.x.indexOf(12_345)]).toBe(99);
    expect(Math.min(...loss.y)).toBe(1 / 20_000);
    expect([loss.x[0], loss.x.at(-1)]).toEqual([0, 19_999]);
    const zero = await ask('&min_bucket_steps=0');
    expect(zero.status).toBe(400);
    // A short history (here 300 epochs, under 4 points a bucket asked) is still sent whole.
    const shortExperiment = (await server.tracking.createExperiment({ name: 'ui-api-short' })).experimentId;
    const shortRun = (await server.tracking.createRun({ experimentId: shortExperiment, name: 'short' })).runId;
    const metrics = Array.from({ length: 300 }, (_, step) => ({ key: 'acc', value: step / 300, timestamp: 1000 + step, step }));
    await server.tracking.logBatch(shortRun, { metrics });
    const short = (await (
      await fetch(`${server.url}/api/ui/metric-histories?run_id=${shortRun}&key=acc&width=100&min_bucket_steps=64`)
    ).json()) as { histories: { x: number[] }[] };
    expect(short.histories[0]?.x).toEqual(metrics.map((m) => m.step));
  });

  it('orders a reduced history by time when asked', async () => {
    const answer = await server.get(`/api/ui/runs/${runA}/metrics/loss`, { width: '100', x: 'time' });
    const { x, x_axis } = answer.body as { x: number[]; x_axis: string };
    expect(x_axis).toBe('time');
    expect(x[0]).toBe(1000);
    expect(x).toEqual([...x].sort((a, b) => a - b));
  });

  it('reads many runs by id in the order given, across experiments', async () => {
    const otherExperiment = (await server.tracking.createExperiment({ name: 'ui-api-other' })).experimentId;
    const runC = (await server.tracking.createRun({ experimentId: otherExperiment, name: 'c' })).runId;
    const res = await fetch(`${server.url}/api/ui/runs?run_id=${runB}&run_id=${runC}&run_id=${runA}`);
    expect(res.status).toBe(200);
    const { runs } = (await res.json()) as { runs: { run_id: string; name: string; params: Record<string, string> }[] };
    expect(runs.map((r) => [r.run_id, r.name])).toEqual([
      [runB, 'b'],
      [runC, 'c'],
      [runA, 'a'],
    ]);
    expect(runs[2]?.params.lr).toBe('0.1');
    const unknown = await fetch(`${server.url}/api/ui/runs?run_id=${runA}&run_id=0123456789abcdef0123456789abcdef`);
    expect(unknown.status).toBe(404);
  });

  it('says an unknown run is not found', async () => {
    const missing = await server.get('/api/ui/runs/0123456789abcdef0123456789abcdef');
    expect(missing.status).toBe(404);
    expect(missing.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
  });

  it("lists and serves a run's artifacts, refusing paths that leave the run", async () => {
    const listing = await server.get(`/api/ui/runs/${runA}/artifacts`);
    expect(listing.body.files).toEqual([{ path: 'report.json', is_dir: false, file_size: 11 }]);
    const file = await fetch(`${server.url}/api/ui/runs/${runA}/artifact/report.json`);
    expect(file.status).toBe(200);
    expect(await file.text()).toBe('{"ok":true}');
    const outside = await fetch(`${server.url}/api/ui/runs/${runA}/artifact/..%2F..%2F${runB}%2Fartifacts%2Fx`);
    expect(outside.status).toBe(400);
  });

  it('serves the OpenAPI document', async () => {
    const doc = await server.get('/api/ui/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths as object)).toContain('/ui/experiments/{experiment_id}/runs');
  });

  it('serves the pages (no-cache) and hashed assets (immutable), and nothing outside the assets folder', async () => {
    for (const path of ['/', '/experiments', `/runs/${runA}`, '/compare?runs=a,b']) {
      const page = await fetch(`${server.url}${path}`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(page.headers.get('cache-control')).toBe('no-cache');
      const html = await page.text();
      const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
      expect(script).toBeDefined();
      const asset = await fetch(`${server.url}${script}`);
      expect(asset.headers.get('content-type')).toMatch(/^text\/javascript/);
      expect(asset.headers.get('cache-control')).toMatch(/immutable/);
    }
    for (const path of [
      '/assets/..%2f..%2fpackage.json',
      '/assets/%2e%2e/index.html',
      '/assets/..\\..\\package.json',
      '/assets/missing.js',
    ]) {
      const outside = await fetch(`${server.url}${path}`);
      expect(outside.status).toBe(404);
      expect(await outside.text()).not.toContain('"name"');
    }
    // API paths no route answers stay API 404s, not the page.
    const unknown = await fetch(`${server.url}/api/2.0/mlflow/nothing-here`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/json/);
  });
});

describe('the web UI with tokens', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ tokens: [readToken] });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('serves the page without a token, and its API only with one', async () => {
    expect((await fetch(`${server.url}/`)).status).toBe(200);
    expect((await server.get('/api/ui/experiments')).status).toBe(401);
    const withToken = await server.get('/api/ui/experiments', {}, { authorization: `Bearer ${readToken.token}` });
    expect(withToken.status).toBe(200);
  });
});
