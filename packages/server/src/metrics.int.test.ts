import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './test-support/test-server.js';

// GET /metrics on a real server: process metrics, requests by route template (never by raw path),
// and the metrics packages add (a stand-in text here; the monitor's gauges in monitor's Prometheus test).
describe('mlp server /metrics', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      compose: async () => ({
        metricsText: [async () => '# TYPE mlp_monitor_dataset_drift gauge\nmlp_monitor_dataset_drift{monitor="m"} 1'],
      }),
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  async function scrape(): Promise<string> {
    const response = await fetch(`${server.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return response.text();
  }

  it('counts requests by route template and status, with process metrics and the packages’ metrics', async () => {
    for (const runId of ['a'.repeat(32), 'b'.repeat(32)]) await server.get('/api/2.0/mlflow/runs/get', { run_id: runId });
    await server.get('/no/such/path/12345');
    // The count is written when each response closes: wait for it rather than for time.
    let text = await scrape();
    while (!/mlp_http_requests_total\{method="GET",route="mlflow\/runs\/get",status="404"\} 2/.test(text)) text = await scrape();
    expect(text).toMatch(/mlp_http_requests_total\{method="GET",route="unmatched",status="404"\} 1/);
    expect(text).not.toContain('12345');
    expect(text).not.toContain('a'.repeat(32));
    expect(text).toMatch(/mlp_http_request_duration_seconds_bucket\{le="0.005",method="GET",route="mlflow\/runs\/get"\}/);
    expect(text).toMatch(/^mlp_process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^mlp_nodejs_heap_size_used_bytes \d/m);
    expect(text).toContain('mlp_monitor_dataset_drift{monitor="m"} 1');
  });
});
