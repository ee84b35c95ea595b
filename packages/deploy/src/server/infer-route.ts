import type { IncomingMessage, ServerResponse } from 'node:http';
import { MlpError } from '@mlp/core';
import { assertCleanText, assertJsonDepth, parseRequest, type RequestContext, readBodyBytes, readJsonBody, sendJson } from '@mlp/core/http';
import { z } from 'zod';
import { decodeBinaryTensor, encodeBinaryTensor, inferenceHeaderLength, splitBinaryBody } from './binary-tensor-data.js';
import { checkInputHeader, decodeInputTensor, type RequestTensor } from './decode-tensor.js';
import { encodeTensor } from './encode-tensor.js';
import type { ModelServerServices } from './model-server-services.js';
import { loggedInput } from './prediction-entry.js';
import type { ServedModel } from './served-model.js';
import type { HostTensor } from './tensor-spec.js';

const parameters = z.record(z.string(), z.unknown()).optional();

const inferRequest = z.object({
  name: z.string(),
  version: z.string().optional(),
  id: z.string().optional(),
  parameters,
  inputs: z
    .array(z.object({ name: z.string(), shape: z.array(z.number()), datatype: z.string(), parameters, data: z.unknown().optional() }))
    .min(1),
  outputs: z.array(z.object({ name: z.string(), parameters })).optional(),
});
type InferRequest = z.output<typeof inferRequest>;

export const notReady = (why: string) => new MlpError('UNAVAILABLE', why, { details: { httpStatus: 503 } });

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The JSON object of the request, and the binary data after it when the request uses the binary extension. */
async function readInferBody(req: IncomingMessage, limit: number): Promise<{ body: unknown; binary: Buffer | undefined }> {
  const declared = req.headers[inferenceHeaderLength];
  // Without the header the body is plain OIP JSON (and must say so: forms cannot send it cross-site).
  if (typeof declared !== 'string') return { body: await readJsonBody(req, limit), binary: undefined };
  // A custom header cannot come from a cross-site form either, so the body may be of any type.
  const { json, binary } = splitBinaryBody(await readBodyBytes(req, limit), declared);
  let text: string;
  try {
    text = utf8.decode(json);
  } catch {
    throw new MlpError('INVALID_ARGUMENT', `The JSON object (the first ${json.length} bytes of the body) is not UTF-8 text.`);
  }
  assertJsonDepth(text);
  try {
    return { body: JSON.parse(text) as unknown, binary };
  } catch (error) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `Malformed JSON in the first ${json.length} bytes of the body (${inferenceHeaderLength}): ${(error as Error).message}`,
    );
  }
}

/** The size a binary input declares, or undefined for an input whose values are in `data`. */
function binarySize(input: RequestTensor): number | undefined {
  const size = input.parameters?.binary_data_size;
  if (size === undefined) return undefined;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0)
    throw new MlpError(
      'INVALID_ARGUMENT',
      `Input '${input.name}': binary_data_size must be a whole number of bytes, got ${JSON.stringify(size)}.`,
    );
  if (input.data !== undefined)
    throw new MlpError('INVALID_ARGUMENT', `Input '${input.name}' has both data and binary_data_size: send its values one way.`);
  return size;
}

/** The request's inputs checked against the model's, in the model's order; binary ones read from `binary` in request order. */
function decodeInputs(model: ServedModel, inputs: RequestTensor[], binary: Buffer | undefined): HostTensor[] {
  const specs = model.runner?.inputs ?? [];
  const names = () => specs.map((spec) => `'${spec.name}'`).join(', ');
  const decoded = new Map<string, HostTensor>();
  let offset = 0;
  for (const input of inputs) {
    if (decoded.has(input.name)) throw new MlpError('INVALID_ARGUMENT', `Input '${input.name}' is given twice.`);
    const spec = specs.find((candidate) => candidate.name === input.name);
    if (!spec) throw new MlpError('INVALID_ARGUMENT', `Input '${input.name}': the model has no such input; it takes ${names()}.`);
    const size = binarySize(input);
    if (size === undefined) {
      decoded.set(input.name, decodeInputTensor(input, spec));
      continue;
    }
    if (!binary)
      throw new MlpError(
        'INVALID_ARGUMENT',
        `Input '${input.name}' has binary_data_size but the request has no ${inferenceHeaderLength} header: send it with the JSON object's byte length, the binary data after the JSON.`,
      );
    checkInputHeader(input, spec);
    if (offset + size > binary.length)
      throw new MlpError(
        'INVALID_ARGUMENT',
        `Input '${input.name}': binary_data_size ${size} goes past the end of the binary data (${binary.length - offset} bytes left).`,
      );
    const data = decodeBinaryTensor(input.name, spec.datatype, input.shape, binary.subarray(offset, offset + size));
    offset += size;
    decoded.set(input.name, { name: input.name, datatype: spec.datatype, shape: input.shape, data });
  }
  if (binary && offset !== binary.length)
    throw new MlpError(
      'INVALID_ARGUMENT',
      `The body has ${binary.length} bytes after the JSON object but the inputs' binary_data_size add up to ${offset}.`,
    );
  return specs.map((spec) => {
    const tensor = decoded.get(spec.name);
    if (!tensor) throw new MlpError('INVALID_ARGUMENT', `Input '${spec.name}' is missing: the model takes ${names()}.`);
    return tensor;
  });
}

/** Whether an output goes back as binary data: its own `binary_data`, else the request's `binary_data_output`. */
function wantsBinary(request: InferRequest, name: string): boolean {
  const own = request.outputs?.find((output) => output.name === name)?.parameters?.binary_data;
  if (typeof own === 'boolean') return own;
  return request.parameters?.binary_data_output === true;
}

/** Writes the answer: JSON, or with binary outputs the JSON object then their bytes in order. */
function respond(res: ServerResponse, body: Record<string, unknown>, outputs: HostTensor[], request: InferRequest): void {
  const binary: Buffer[] = [];
  const described = outputs.map((tensor) => {
    if (!wantsBinary(request, tensor.name)) return encodeTensor(tensor);
    const bytes = encodeBinaryTensor(tensor);
    binary.push(bytes);
    return { name: tensor.name, datatype: tensor.datatype, shape: tensor.shape, parameters: { binary_data_size: bytes.length } };
  });
  if (binary.length === 0) {
    sendJson(res, 200, { ...body, outputs: described });
    return;
  }
  const json = Buffer.from(JSON.stringify({ ...body, outputs: described }));
  const total = binary.reduce((sum, part) => sum + part.length, json.length);
  res.writeHead(200, {
    'content-type': 'application/octet-stream',
    'content-length': total,
    [inferenceHeaderLength]: json.length,
  });
  res.end(Buffer.concat([json, ...binary], total));
}

/**
 * OIP `infer`: JSON tensors, or binary tensor data after the JSON object. A raw route so the body can
 * be binary; it applies the layer's JSON checks (limit, depth, clean text) itself.
 */
export async function handleInfer(req: IncomingMessage, res: ServerResponse, context: ModelServerServices & RequestContext) {
  const started = performance.now();
  const { body, binary } = await readInferBody(req, context.maxBodyBytes);
  assertCleanText(body);
  const request = parseRequest(inferRequest, { ...(body as object), ...context.params });
  const model = context.repository.get(request.name, request.version);
  if (model.state !== 'READY')
    throw notReady(`Model '${model.name}' is not ready (${model.state}${model.reason ? `: ${model.reason}` : ''}).`);
  const sent = request.inputs as RequestTensor[];
  const inputs = context.enrichment ? await context.enrichment.enrichTensors(sent, model.runner?.inputs ?? []) : sent;
  const tensors = decodeInputs(model, inputs, binary);
  const outputNames = request.outputs?.map((output) => output.name);
  const known = model.runner?.outputs.map((output) => output.name) ?? [];
  for (const name of outputNames ?? [])
    if (!known.includes(name))
      throw new MlpError(
        'INVALID_ARGUMENT',
        `Output '${name}': the model has no such output; it gives ${known.map((n) => `'${n}'`).join(', ')}.`,
      );
  const results = await model.infer(tensors, context.signal);
  const wanted = outputNames ? results.filter((result) => outputNames.includes(result.name)) : results;
  const head = {
    model_name: model.name,
    model_version: model.version,
    ...(request.id !== undefined ? { id: request.id } : {}),
    ...(request.parameters ? { parameters: request.parameters } : {}),
  };
  respond(res, head, wanted, request);
  const sink = context.onPrediction;
  if (!sink) return;
  const latencyMs = performance.now() - started;
  // After the answer is written, never in its way (the request's own tensors are never handed to the model's thread).
  setImmediate(() => {
    try {
      sink({
        at: Date.now(),
        model: model.name,
        modelVersion: model.version,
        ...(context.deployment ? { deployment: context.deployment } : {}),
        requestId: request.id ?? context.requestId,
        kind: 'tensors',
        inputs: inputs.map((input) =>
          loggedInput(
            input,
            tensors.find((tensor) => tensor.name === input.name),
          ),
        ),
        outputs: wanted.map(encodeTensor),
        latencyMs,
      });
    } catch {
      // A sink that throws loses its entry, not the request.
    }
  });
}
