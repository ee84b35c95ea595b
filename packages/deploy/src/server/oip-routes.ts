import { MlpError } from '@mlp/core';
import { type ErrorResponse, type RouteMount, routeBuilder } from '@mlp/core/http';
import { z } from 'zod';
import { decodeInputTensor, type RequestTensor } from './decode-tensor.js';
import { encodeTensor } from './encode-tensor.js';
import type { ModelRepository } from './model-repository.js';
import { loggedInput, type PredictionSink } from './prediction-entry.js';
import type { ServedModel } from './served-model.js';
import type { HostTensor, TensorSpec } from './tensor-spec.js';

/** What the OIP routes get from the server. */
export interface ModelServerServices {
  repository: ModelRepository;
  /** The server's name and version for `GET /v2`, and whether it is shutting down (not ready). */
  server: { name: string; version: string; draining(): boolean };
  onPrediction?: PredictionSink | undefined;
  /** The deployment the server runs under, for the prediction log. */
  deployment?: string | undefined;
}

const { json } = routeBuilder<ModelServerServices>();

const notReady = (why: string) => new MlpError('UNAVAILABLE', why, { details: { httpStatus: 503 } });

/** OIP's error body: `{"error": "..."}` with the status the layer chose. */
export function oipError(answer: ErrorResponse) {
  return { status: answer.status, headers: answer.headers, body: { error: answer.body.message } };
}

const modelParams = z.object({ name: z.string(), version: z.string().optional() });
const parameters = z.record(z.string(), z.unknown()).optional();

const inferRequest = modelParams.extend({
  id: z.string().optional(),
  parameters,
  inputs: z
    .array(
      z.object({
        name: z.string(),
        shape: z.array(z.number()),
        datatype: z.string(),
        parameters,
        data: z.unknown(),
      }),
    )
    .min(1),
  outputs: z.array(z.object({ name: z.string(), parameters })).optional(),
});

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

/** The request's inputs checked against the model's, in the model's order. */
function decodeInputs(model: ServedModel, inputs: RequestTensor[]): HostTensor[] {
  const specs = model.runner?.inputs ?? [];
  const names = () => specs.map((spec) => `'${spec.name}'`).join(', ');
  const decoded = new Map<string, HostTensor>();
  for (const input of inputs) {
    if (decoded.has(input.name)) throw new MlpError('INVALID_ARGUMENT', `Input '${input.name}' is given twice.`);
    const spec = specs.find((candidate) => candidate.name === input.name);
    if (!spec) throw new MlpError('INVALID_ARGUMENT', `Input '${input.name}': the model has no such input; it takes ${names()}.`);
    decoded.set(input.name, decodeInputTensor(input, spec));
  }
  return specs.map((spec) => {
    const tensor = decoded.get(spec.name);
    if (!tensor) throw new MlpError('INVALID_ARGUMENT', `Input '${spec.name}' is missing: the model takes ${names()}.`);
    return tensor;
  });
}

type InferRequest = z.output<typeof inferRequest>;

async function infer(input: InferRequest, context: ModelServerServices & { requestId: string; signal: AbortSignal }) {
  const started = performance.now();
  const model = context.repository.get(input.name, input.version);
  if (model.state !== 'READY')
    throw notReady(`Model '${model.name}' is not ready (${model.state}${model.reason ? `: ${model.reason}` : ''}).`);
  const tensors = decodeInputs(model, input.inputs as RequestTensor[]);
  const outputNames = input.outputs?.map((output) => output.name);
  const known = model.runner?.outputs.map((output) => output.name) ?? [];
  for (const name of outputNames ?? [])
    if (!known.includes(name))
      throw new MlpError(
        'INVALID_ARGUMENT',
        `Output '${name}': the model has no such output; it gives ${known.map((n) => `'${n}'`).join(', ')}.`,
      );
  const results = await model.infer(tensors, context.signal);
  const wanted = outputNames ? results.filter((result) => outputNames.includes(result.name)) : results;
  const outputs = wanted.map(encodeTensor);
  const body = {
    model_name: model.name,
    model_version: model.version,
    ...(input.id !== undefined ? { id: input.id } : {}),
    ...(input.parameters ? { parameters: input.parameters } : {}),
    outputs,
  };
  const sink = context.onPrediction;
  if (sink) {
    const entry = {
      at: Date.now(),
      model: model.name,
      modelVersion: model.version,
      ...(context.deployment ? { deployment: context.deployment } : {}),
      requestId: input.id ?? context.requestId,
      kind: 'tensors' as const,
      inputs: (input.inputs as RequestTensor[]).map((request) =>
        loggedInput(
          request,
          tensors.find((tensor) => tensor.name === request.name),
        ),
      ),
      outputs,
      latencyMs: performance.now() - started,
    };
    // After the answer is written (the layer sends it synchronously once this resolves); never in its way.
    setImmediate(() => {
      try {
        sink(entry);
      } catch {
        // A sink that throws loses its entry, not the request.
      }
    });
  }
  return body;
}

const empty = z.object({});

/** The Open Inference Protocol (KServe v2) REST routes, with the model repository extension. */
export function createOipRoutes(): RouteMount<ModelServerServices> {
  const routes = [
    json('GET', 'v2', 'public', empty, async (_input, { server }) => ({
      name: server.name,
      version: server.version,
      extensions: ['model_repository'],
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
    json('POST', 'v2/models/{name}/infer', 'read', inferRequest, infer),
    json('POST', 'v2/models/{name}/versions/{version}/infer', 'read', inferRequest, infer),
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
