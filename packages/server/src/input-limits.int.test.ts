import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from './test-support/raw-request.js';
import { startTestServer, type TestServer } from './test-support/test-server.js';

const api = '/api/2.0/mlflow';

/** Expects MLflow's 400 INVALID_PARAMETER_VALUE, with `pattern` in the message. */
function expectInvalid(answer: { status: number; body: Record<string, unknown> }, pattern: RegExp) {
  expect(answer.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE', mlp_error_code: 'INVALID_ARGUMENT' });
  expect(answer.body.message).toMatch(pattern);
  expect(answer.status).toBe(400);
}

// MLflow's limits (mlflow/utils/validation.py) and clean text, on every write route.
describe('input limits over HTTP', () => {
  let server: TestServer;
  let experimentId: string;
  let runId: string;
  beforeAll(async () => {
    server = await startTestServer();
    experimentId = (await server.post(`${api}/experiments/create`, { name: 'limits' })).body.experiment_id as string;
    runId = ((await server.post(`${api}/runs/create`, { experiment_id: experimentId })).body.run as { info: { run_id: string } }).info
      .run_id;
  });
  afterAll(async () => {
    await server?.stop();
  });

  async function runCount(): Promise<number> {
    const page = await server.tracking.searchRuns({ experimentIds: [experimentId], viewType: 'ALL' });
    return page.items.length;
  }

  describe('runs/create', () => {
    it.each([
      ['a 9,000-character tag value', [{ key: 'notes', value: 'v'.repeat(9000) }], /limit is 8000/],
      ['a 400-character tag key', [{ key: 'k'.repeat(400), value: 'v' }], /limit is 250/],
      ['a malformed tag key', [{ key: 'a\nb', value: 'v' }], /may only hold/],
      ['a tag key that climbs', [{ key: '../up', value: 'v' }], /normalised relative path/],
    ])('refuses %s and creates no run', async (_, tags, pattern) => {
      const before = await runCount();
      expectInvalid(await server.post(`${api}/runs/create`, { experiment_id: experimentId, tags }), pattern);
      expect(await runCount()).toBe(before);
    });

    it("refuses a 100,000-character run_name (MLflow's limit is 250)", async () => {
      const before = await runCount();
      expectInvalid(await server.post(`${api}/runs/create`, { experiment_id: experimentId, run_name: 'n'.repeat(100_000) }), /250/);
      expectInvalid(
        await server.post(`${api}/runs/create`, { experiment_id: experimentId, tags: [{ key: 'mlflow.runName', value: 'n'.repeat(251) }] }),
        /250/,
      );
      expect(await runCount()).toBe(before);
      const atLimit = await server.post(`${api}/runs/create`, { experiment_id: experimentId, run_name: 'n'.repeat(250) });
      expect(atLimit.status).toBe(200);
    });

    it('refuses a 257-character user_id', async () => {
      expectInvalid(await server.post(`${api}/runs/create`, { experiment_id: experimentId, user_id: 'u'.repeat(257) }), /256/);
    });
  });

  it('runs/update refuses a run_name over 250 characters and keeps the old name', async () => {
    expectInvalid(await server.post(`${api}/runs/update`, { run_id: runId, run_name: 'n'.repeat(251) }), /250/);
    expect((await server.tracking.getRun(runId)).name).not.toHaveLength(251);
  });

  describe('experiments', () => {
    it('create refuses a name over 500 characters, and bad or long tags', async () => {
      expectInvalid(await server.post(`${api}/experiments/create`, { name: 'e'.repeat(501) }), /500/);
      expectInvalid(await server.post(`${api}/experiments/create`, { name: 'e1', tags: [{ key: 'k', value: 'v'.repeat(5001) }] }), /5000/);
      expectInvalid(await server.post(`${api}/experiments/create`, { name: 'e2', tags: [{ key: 'a\tb', value: 'v' }] }), /may only hold/);
      expect(await server.tracking.getExperimentByName('e1')).toBeUndefined();
      expect(await server.tracking.getExperimentByName('e2')).toBeUndefined();
    });

    it('update refuses a new_name over 500 characters', async () => {
      expectInvalid(await server.post(`${api}/experiments/update`, { experiment_id: experimentId, new_name: 'e'.repeat(501) }), /500/);
      expect((await server.tracking.getExperiment(experimentId)).name).toBe('limits');
    });

    it('set-experiment-tag refuses a 2,000,000-character value and a malformed key', async () => {
      const set = (key: string, value: string) =>
        server.post(`${api}/experiments/set-experiment-tag`, { experiment_id: experimentId, key, value });
      expectInvalid(await set('big', 'v'.repeat(2_000_000)), /limit is 5000/);
      expectInvalid(await set('k'.repeat(251), 'v'), /limit is 250/);
      expectInvalid(await set('/abs', 'v'), /must not start with/);
      expect((await server.tracking.getExperiment(experimentId)).tags).toEqual({});
      expect((await set('ok', 'v'.repeat(5000))).status).toBe(200);
    });
  });

  describe('run logging routes', () => {
    it('set-tag, log-parameter and log-metric keep the tag, param and key limits', async () => {
      expectInvalid(await server.post(`${api}/runs/set-tag`, { run_id: runId, key: 't', value: 'v'.repeat(8001) }), /8000/);
      expectInvalid(await server.post(`${api}/runs/log-parameter`, { run_id: runId, key: 'p', value: 'v'.repeat(6001) }), /6000/);
      expectInvalid(
        await server.post(`${api}/runs/log-metric`, { run_id: runId, key: 'm'.repeat(251), value: 1, timestamp: 1 }),
        /limit is 250/,
      );
    });

    it('delete-tag refuses a malformed key instead of looking it up', async () => {
      expectInvalid(await server.post(`${api}/runs/delete-tag`, { run_id: runId, key: '../x' }), /normalised relative path/);
    });

    it("log-inputs keeps MLflow's dataset and input tag limits", async () => {
      const dataset = { name: 'd', digest: 'abc', source_type: 'local', source: '{}' };
      const log = (datasets: unknown[]) => server.post(`${api}/runs/log-inputs`, { run_id: runId, datasets });
      expectInvalid(await log([{ dataset: { ...dataset, digest: 'x'.repeat(37) } }]), /digest.*36/);
      expectInvalid(await log([{ dataset: { ...dataset, name: 'x'.repeat(501) } }]), /name.*500/);
      expectInvalid(await log([{ dataset, tags: [{ key: 'mlflow.data.context', value: 'x'.repeat(501) }] }]), /500/);
      expectInvalid(await log([{ dataset, tags: [{ key: 'k'.repeat(256), value: 'x' }] }]), /255/);
      expect((await server.tracking.getRun(runId)).inputs).toEqual([]);
    });
  });

  describe('NUL characters and lone surrogates', () => {
    it.each([
      ['experiments/create', { name: 'a\u0000b' }, /NUL/],
      ['experiments/create', { name: 'a\ud800b' }, /surrogate/],
      ['runs/create', { experiment_id: '0', tags: [{ key: 'k', value: 'a\u0000' }] }, /NUL/],
      ['runs/create', { experiment_id: '0', run_name: '\udc00' }, /surrogate/],
      ['runs/log-parameter', { run_id: 'RUN', key: 'p', value: 'x\ud83d' }, /surrogate/],
      ['runs/set-tag', { run_id: 'RUN', key: 't', value: '\u0000' }, /NUL/],
      ['experiments/set-experiment-tag', { experiment_id: '0', key: 'k', value: '\u0000' }, /NUL/],
      ['runs/search', { experiment_ids: ['0'], filter: "tags.a = '\u0000'" }, /NUL/],
      ['experiments/get-by-name', { experiment_name: '\u0000' }, /NUL/],
    ])('%s refuses %j with 400', async (route, body, pattern) => {
      const input = JSON.parse(JSON.stringify(body).replace('RUN', runId)) as Record<string, unknown>;
      const answer = route.endsWith('get-by-name')
        ? await server.get(`${api}/${route}`, input as Record<string, string>)
        : await server.post(`${api}/${route}`, input);
      expectInvalid(answer, pattern);
    });

    it('names the field that holds the character', async () => {
      const answer = await server.post(`${api}/runs/create`, {
        experiment_id: '0',
        tags: [
          { key: 'k', value: 'ok' },
          { key: 'k2', value: '\u0000' },
        ],
      });
      expectInvalid(answer, /tags\[1\]\.value/);
    });

    it('refuses a NUL in a run id instead of failing in the database', async () => {
      expectInvalid(await server.get(`${api}/runs/get`, { run_id: `${runId}\u0000` }), /NUL/);
    });

    it('refuses a body that is not valid UTF-8 instead of storing U+FFFD', async () => {
      const body = Buffer.concat([Buffer.from('{"name":"bad'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]);
      const answer = await rawRequest(server.url, 'POST', `${api}/experiments/create`, {
        headers: { 'content-type': 'application/json' },
        body,
      });
      expectInvalid(answer, /UTF-8/);
      expect(await server.tracking.getExperimentByName('bad\ufffd')).toBeUndefined();
    });

    it('still takes characters outside the BMP and other control characters in values', async () => {
      const answer = await server.post(`${api}/runs/set-tag`, { run_id: runId, key: 'emoji', value: '🙂 tab\there' });
      expect(answer.status).toBe(200);
      expect((await server.tracking.getRun(runId)).tags.emoji).toBe('🙂 tab\there');
    });
  });

  describe('JSON nesting', () => {
    it('answers 400, not a stack overflow, to 500,000 levels inside a tag value', async () => {
      const depth = 500_000;
      const body = `{"experiment_id":"${experimentId}","key":"deep","value":${'['.repeat(depth)}${']'.repeat(depth)}}`;
      const answer = await rawRequest(server.url, 'POST', `${api}/experiments/set-experiment-tag`, {
        headers: { 'content-type': 'application/json' },
        body,
      });
      expectInvalid(answer, /nested/);
      // The server still answers.
      expect((await server.get(`${api}/experiments/get`, { experiment_id: experimentId })).status).toBe(200);
    });

    it('refuses 101 levels and takes 100, counting only brackets outside strings', async () => {
      const nest = (levels: number) => `${'['.repeat(levels - 1)}${']'.repeat(levels - 1)}`;
      const send = (text: string) =>
        rawRequest(server.url, 'POST', `${api}/runs/search`, { headers: { 'content-type': 'application/json' }, body: text });
      expectInvalid(await send(`{"experiment_ids":["0"],"x":${nest(101)}}`), /nested/);
      expect((await send(`{"experiment_ids":["0"],"x":${nest(100)}}`)).status).toBe(200);
      expect((await send(`{"experiment_ids":["0"],"filter":"tags.a = '${'['.repeat(1000)}\\"{'"}`)).status).toBe(200);
    });
  });
});
