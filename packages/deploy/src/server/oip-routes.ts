import { MlpError } from '@mlp/core';
import { type ErrorResponse, type RouteMount, routeBuilder } from '@mlp/core/http';
import { z } from 'zod';
import { handleInfer, notReady } from './infer-route.js';
import type { ModelServerServices } from './model-server-services.js';
import type { ServedModel } from './served-model.js';
import type { TensorSpec } from './tensor-spec.js';

const { json, raw } = routeBuilder<ModelServerServices>();

/** OIP's error body: `{"error": "..."}` with the status the layer chose. */
export function oipError(answer: ErrorResponse) {
  return { status: answer.status, headers: answer.headers, body: { error: answer.body.message } };
}

const modelParams = z.object({ name: z.string(), version: z.string().optional() });
const _parameters = z.record(z.string(), z.unknown()).optional();

const tensorMetadata = (spec: TensorSpec) => ({ name: spec.name, datatype: spec.datatype, shape: spec.shaped ? spec.shape : [-1] });

function modelMetadata(model: ServedModel) {
  const runner = model.runner;
  return {
    name: model.name,
    versions: [model.version],
    platform: runner?.platform ?? '',
    inputs: runner ? runner.inputs.map(tensorMetadata) : [],
    outputs: runner ? runner.outputs.map(tensorMetadata) : [],
    state: model.state,
    ...(model.reason ? { reason: model.reason } : {}),
  };
}

function modelReady(model: ServedModel) {
  if (model.state !== 'READY')
    throw notReady(`Model '${model.name}' is not ready (${model.state}${model.reason ? `: ${model.reason}` : ''}).`);
  return { name: model.name, ready: true };
}

const empty = z.object({});

/** The Open Inference Protocol (KServe v2) REST routes, with the model repository extension. */
export function createOipRoutes(): RouteMount<ModelServerServices> {
  const routes = [
    json('GET', 'v2', 'public', empty, async (_input, { server }) => ({
      name: server.name,
      version: server.version,
      extensions: ['model_repository', 'binary_tensor_data'],
    })),
    json('GET', 'v2/health/live', 'public', empty, async () => ({ live: true })),
    json('GET', 'v2/health/ready', 'public', empty, async (_input, { server, repository }) => {
      if (server.draining()) throw notReady('The server is shutting down.');
      const waiting = repository.list().filter((model) => model.state !== 'READY' && model.reason !== 'unloaded');
      if (waiting.length > 0)
        throw notReady(`Not every model is ready: ${waiting.map((model) => `${model.name} (${model.state})`).join(', ')}.`);
      return { ready: true };
    }),
    json('GET', 'v2/models/{name}', 'read', modelParams, async ({ name }, { repository }) => modelMetadata(repository.get(name))),
    json('GET', 'v2/models/{name}/versions/{version}', 'read', modelParams, async ({ name, version }, { repository }) =>
      modelMetadata(repository.get(name, version)),
    ),
    json('GET', 'v2/models/{name}/ready', 'public', modelParams, async ({ name }, { repository }) => modelReady(repository.get(name))),
    json('GET', 'v2/models/{name}/versions/{version}/ready', 'public', modelParams, async ({ name, version }, { repository }) =>
      modelReady(repository.get(name, version)),
    ),
    raw('POST', 'v2/models/{name}/infer', 'read', handleInfer),
    raw('POST', 'v2/models/{name}/versions/{version}/infer', 'read', handleInfer),
    json('POST', 'v2/repository/index', 'read', z.object({ ready: z.boolean().optional() }), async ({ ready }, { repository }) =>
      repository.index().filter((entry) => !ready || entry.state === 'READY'),
    ),
    json('POST', 'v2/repository/models/{name}/load', 'write', modelParams, async ({ name }, { repository }) => {
      const model = repository.get(name);
      await model.load();
      if (model.state !== 'READY') throw new MlpError('INVALID_ARGUMENT', `Model '${name}' failed to load: ${model.reason}`);
      return {};
    }),
    json('POST', 'v2/repository/models/{name}/unload', 'write', modelParams, async ({ name }, { repository }) => {
      await repository.get(name).unload();
      return {};
    }),
  ];
  return { prefixes: ['/'], routes, formatError: oipError };
}

export type { ModelServerServices } from './model-server-services.js';
