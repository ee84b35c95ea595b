import { describe, expect, it } from 'vitest';
import { errorResponse } from './error-response.js';
import { message, string } from './request-fields.js';
import { jsonRoute, type Route } from './route.js';
import { createRouter } from './router.js';

const json = (method: 'GET' | 'POST', path: string): Route => jsonRoute(method, path, 'read', message({}), async () => ({ path }));
const raw = (path: string): Route => ({ kind: 'raw', method: 'GET', path, scope: 'read', handle: async () => {} });

const router = createRouter([
  {
    prefixes: ['/api/2.0/', '/ajax-api/2.0/'],
    routes: [
      json('GET', 'mlflow/logged-models/{model_id}'),
      json('POST', 'mlflow/logged-models/search'),
      json('POST', 'mlflow/logged-models/{model_id}/params'),
      raw('mlflow-artifacts/artifacts/{path...}'),
    ],
  },
  { prefixes: ['/'], routes: [json('POST', 'v2/models/{name}/versions/{version}/infer')] },
]);

const failure = (action: () => unknown) => {
  try {
    action();
  } catch (error) {
    return errorResponse(error, 'req-1');
  }
  throw new Error('expected a failure');
};

describe('createRouter', () => {
  it('reads path parameters, percent-decoded, under every prefix', () => {
    expect(router.match('GET', '/api/2.0/mlflow/logged-models/m-123').params).toEqual({ model_id: 'm-123' });
    expect(router.match('GET', '/ajax-api/2.0/mlflow/logged-models/a%20b').params).toEqual({ model_id: 'a b' });
    const infer = router.match('POST', '/v2/models/iris%2Fv/versions/3/infer');
    expect(infer.route.path).toBe('v2/models/{name}/versions/{version}/infer');
    expect(infer.params).toEqual({ name: 'iris/v', version: '3' });
  });

  it('prefers a fixed path over a parameter in the same place', () => {
    expect(router.match('POST', '/api/2.0/mlflow/logged-models/search').route.path).toBe('mlflow/logged-models/search');
    expect(router.match('POST', '/api/2.0/mlflow/logged-models/m-1/params').params).toEqual({ model_id: 'm-1' });
  });

  it('gives a final {rest...} parameter the rest of the path as sent, empty when there is none', () => {
    expect(router.match('GET', '/api/2.0/mlflow-artifacts/artifacts').params).toEqual({ path: '' });
    expect(router.match('GET', '/api/2.0/mlflow-artifacts/artifacts/0/r%2Fx/model.onnx').params).toEqual({ path: '0/r%2Fx/model.onnx' });
  });

  it('answers an unknown path with 404 ENDPOINT_NOT_FOUND and a wrong method with 405 and Allow', () => {
    expect(failure(() => router.match('GET', '/api/2.0/mlflow/logged-models'))).toMatchObject({
      status: 404,
      body: { error_code: 'ENDPOINT_NOT_FOUND', mlp_error_code: 'NOT_FOUND', message: 'No API endpoint at /api/2.0/mlflow/logged-models.' },
    });
    expect(failure(() => router.match('GET', '/api/2.0/mlflow/logged-models/'))).toMatchObject({ status: 404 });
    expect(failure(() => router.match('DELETE', '/api/2.0/mlflow/logged-models/m-1'))).toMatchObject({
      status: 405,
      headers: { allow: 'GET' },
      body: { error_code: 'ENDPOINT_NOT_FOUND' },
    });
    expect(router.match('HEAD', '/api/2.0/mlflow/logged-models/m-1').route.method).toBe('GET');
  });

  it('refuses bad percent-encoding in a parameter as a malformed request', () => {
    expect(failure(() => router.match('GET', '/api/2.0/mlflow/logged-models/%E0%A4%A'))).toMatchObject({
      status: 400,
      body: { error_code: 'INVALID_PARAMETER_VALUE' },
    });
  });

  it('refuses two routes for the same method and path, and a {rest...} that is not last', () => {
    expect(() => createRouter([{ prefixes: ['/'], routes: [json('GET', 'a/{x}'), json('GET', 'a/{x}')] }])).toThrow(/Two routes/);
    expect(() => createRouter([{ prefixes: ['/'], routes: [raw('a/{x...}/b')] }])).toThrow(/must come last/);
  });

  it('validates path parameters with the rest of the input', async () => {
    const route = jsonRoute('GET', 'x/{model_id}', 'read', message({ model_id: string.required() }), async (input) => input);
    expect(await route.handle({ model_id: 'm-1', extra: 'dropped' }, {} as never)).toEqual({ model_id: 'm-1' });
  });
});
