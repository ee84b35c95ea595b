import { MlpError } from '@mlp/core';
import type { ModelOutput, Param } from './model.js';
import type { CreateLoggedModelInput } from './store/tracking-store.js';
import { assertParamValue, assertTagValue, assertText, assertTrackingKey } from './validate-names.js';

/** Characters MLflow refuses in a logged model's name (`_validate_logged_model_name`): they would break `models:/<name>` URIs. */
const badNameCharacters = ['/', ':', '.', '%', '"', "'"];

function invalid(message: string): MlpError {
  return new MlpError('INVALID_ARGUMENT', message);
}

export function assertLoggedModelName(name: unknown): asserts name is string {
  assertText('logged model name', name);
  if (name === '' || badNameCharacters.some((character) => name.includes(character))) {
    throw invalid(
      `Invalid model name (${JSON.stringify(name)}) provided. Model name must be a non-empty string and cannot contain the following characters: ${badNameCharacters.join(' ')}`,
    );
  }
}

export function assertLoggedModelParams(params: readonly Param[]): void {
  for (const param of params) {
    assertTrackingKey('param', param.key);
    assertParamValue(param.key, param.value);
  }
}

export function assertLoggedModelTags(tags: Record<string, string>): void {
  for (const [key, value] of Object.entries(tags)) {
    assertTrackingKey('tag', key);
    assertTagValue(key, value);
  }
}

export function assertCreateLoggedModel(input: CreateLoggedModelInput): void {
  if (input.name !== undefined) assertLoggedModelName(input.name);
  if (input.modelType !== undefined) assertText('model type', input.modelType);
  if (input.sourceRunId !== undefined) assertText('source run id', input.sourceRunId);
  assertLoggedModelParams(Object.entries(input.params ?? {}).map(([key, value]) => ({ key, value })));
  assertLoggedModelTags(input.tags ?? {});
}

export function assertModelOutputs(outputs: readonly ModelOutput[]): void {
  for (const output of outputs) {
    assertText('model id', output.modelId);
    if (!Number.isSafeInteger(output.step))
      throw invalid(`The step of model output ${output.modelId} must be an integer, got ${output.step}.`);
  }
}
