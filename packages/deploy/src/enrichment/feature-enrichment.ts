import { MlpError, type OnlineFeatureReader, type OnlineFeatureValue } from '@mlp/core';
import { z } from 'zod';
import type { RequestTensor } from '../server/decode-tensor.js';
import type { TensorSpec } from '../server/tensor-spec.js';

/** Which feature view enriches requests, and which request field holds each of its join keys. */
export const featureEnrichmentSpecSchema = z.object({
  /** The feature view to read (`@mlp/features`' online store). */
  view: z.string().min(1),
  /** Join key → the request field holding it (a record column, or an OIP input of shape [N]): `{ carrier: 'carrier' }`. */
  entityKeys: z.record(z.string().min(1), z.string().min(1)).refine((keys) => Object.keys(keys).length > 0, 'name at least one entity key'),
  /** The features to read; all of the view's when omitted. */
  features: z.array(z.string().min(1)).optional(),
  /**
   * An entity the store holds nothing for: `reject` (the default) answers 404 naming it; `null` scores
   * it with missing features (records: null, imputed as in training; tensors: NaN for floats, '' for BYTES).
   */
  onMissing: z.enum(['reject', 'null']).default('reject'),
});
export type FeatureEnrichmentSpec = z.output<typeof featureEnrichmentSpecSchema>;
export type FeatureEnrichmentSpecInput = z.input<typeof featureEnrichmentSpecSchema>;

export interface FeatureEnrichment {
  readonly spec: FeatureEnrichmentSpec;
  /**
   * Records with the view's features merged in (a value the record sends itself wins); entity-key
   * fields the model does not take (`columns`) are dropped.
   */
  enrichRecords(records: readonly Record<string, unknown>[], columns: readonly string[]): Promise<Record<string, unknown>[]>;
  /** OIP inputs with one [N] input added per feature the model takes and the request does not send. */
  enrichTensors(inputs: readonly RequestTensor[], specs: readonly TensorSpec[]): Promise<RequestTensor[]>;
}

type FeatureRow = Record<string, OnlineFeatureValue> | null;

/** `--entity-key-field carrier` or `carrier=airline,origin`: join key → request field (the same name when no `=`). */
export function parseEntityKeyFields(text: string): Record<string, string> {
  const keys: Record<string, string> = {};
  for (const part of text.split(',')) {
    const [joinKey = '', field = joinKey] = part.split('=').map((piece) => piece.trim());
    if (joinKey === '' || field === '' || part.split('=').length > 2)
      throw new MlpError(
        'INVALID_ARGUMENT',
        `--entity-key-field ${JSON.stringify(text)} is not a list of JOIN_KEY or JOIN_KEY=REQUEST_FIELD: write --entity-key-field carrier (or carrier=airline,origin).`,
      );
    keys[joinKey] = field;
  }
  return keys;
}

/** The enrichment flags `mlp serve` and `mlp deploy create` take. */
export interface FeatureEnrichmentFlags {
  features?: string;
  entityKeyField?: string;
  featureNames?: string;
  missingFeatures?: string;
}

/**
 * `--features VIEW --entity-key-field F [--feature-names a,b] [--missing-features null]` as enrichment
 * settings; undefined without `--features`, INVALID_ARGUMENT for the others without it or a bad value.
 */
export function featureEnrichmentFromFlags(flags: FeatureEnrichmentFlags): FeatureEnrichmentSpec | undefined {
  const rest = [flags.entityKeyField, flags.featureNames, flags.missingFeatures].some((flag) => flag !== undefined);
  if (flags.features === undefined) {
    if (rest) throw new MlpError('INVALID_ARGUMENT', '--entity-key-field, --feature-names and --missing-features go with --features VIEW.');
    return undefined;
  }
  if (flags.entityKeyField === undefined)
    throw new MlpError(
      'INVALID_ARGUMENT',
      `--features ${flags.features} needs --entity-key-field: the request field holding the view's entity key.`,
    );
  const onMissing = flags.missingFeatures ?? 'reject';
  if (onMissing !== 'reject' && onMissing !== 'null')
    throw new MlpError(
      'INVALID_ARGUMENT',
      `--missing-features is reject (a 404 naming the entity) or null (score with missing features), not ${onMissing}.`,
    );
  const features = flags.featureNames
    ?.split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  return {
    view: flags.features,
    entityKeys: parseEntityKeyFields(flags.entityKeyField),
    ...(features ? { features } : {}),
    onMissing,
  };
}

/** The `mlp serve` flags that give a server `spec` (the deployment controller and Kubernetes pods pass them). */
export function featureServeArgs(spec: FeatureEnrichmentSpec | undefined): string[] {
  if (!spec) return [];
  const keys = Object.entries(spec.entityKeys)
    .map(([joinKey, field]) => (joinKey === field ? joinKey : `${joinKey}=${field}`))
    .join(',');
  return [
    '--features',
    spec.view,
    '--entity-key-field',
    keys,
    ...(spec.features ? ['--feature-names', spec.features.join(',')] : []),
    ...(spec.onMissing === 'null' ? ['--missing-features', 'null'] : []),
  ];
}

/**
 * Request enrichment from the online feature store: each row's entity key is read from the request,
 * the latest features of the view are read once per distinct entity through core's
 * `OnlineFeatureReader`, and merged into the rows before scoring.
 */
export function createFeatureEnrichment(reader: OnlineFeatureReader, input: FeatureEnrichmentSpecInput): FeatureEnrichment {
  const parsed = featureEnrichmentSpecSchema.safeParse(input);
  if (!parsed.success)
    throw new MlpError(
      'INVALID_ARGUMENT',
      `The feature enrichment settings are invalid: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'settings'}: ${issue.message}`).join('; ')}.`,
    );
  const spec = parsed.data;
  const keyFields = Object.entries(spec.entityKeys);
  const describeKey = (key: Record<string, string | number>) =>
    Object.entries(key)
      .map(([name, value]) => `${name}=${value}`)
      .join(', ');

  /** The features of each row's entity (`keys[i]`), read once per distinct entity. */
  async function read(keys: Record<string, string | number>[]): Promise<FeatureRow[]> {
    const distinct = new Map<string, number>();
    const unique: Record<string, string | number>[] = [];
    const slots = keys.map((key) => {
      const id = JSON.stringify(keyFields.map(([name]) => key[name]));
      let slot = distinct.get(id);
      if (slot === undefined) {
        slot = unique.push(key) - 1;
        distinct.set(id, slot);
      }
      return slot;
    });
    let found: FeatureRow[];
    try {
      found = await reader.getOnlineFeatures({
        view: spec.view,
        entityKeys: unique,
        ...(spec.features ? { features: spec.features } : {}),
      });
    } catch (error) {
      if (MlpError.isInstance(error) && error.code === 'NOT_FOUND')
        throw new MlpError(
          'FAILED_PRECONDITION',
          `This server enriches requests from the feature view '${spec.view}', but the online store refused it: ${error.message} Fix the server's --features settings.`,
          { cause: error },
        );
      throw error;
    }
    return slots.map((slot, row) => {
      const features = found[slot] ?? null;
      if (features === null && spec.onMissing === 'reject')
        throw new MlpError(
          'NOT_FOUND',
          `Row ${row}: the feature view '${spec.view}' holds nothing for ${describeKey(keys[row] as Record<string, string | number>)} (never materialised, or older than the view's TTL). Check the key, or materialise the view.`,
        );
      return features;
    });
  }

  const entityValue = (value: unknown, row: number, field: string): string | number => {
    if (typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))) return value;
    throw new MlpError(
      'INVALID_ARGUMENT',
      `Row ${row} has no usable '${field}' (${value === undefined ? 'missing' : JSON.stringify(value)}): it is the entity key of the feature view '${spec.view}'; send a string or a number.`,
    );
  };

  return {
    spec,
    async enrichRecords(records, columns) {
      const keys = records.map((record, row) =>
        Object.fromEntries(keyFields.map(([joinKey, field]) => [joinKey, entityValue(record[field], row, field)])),
      );
      const features = records.length === 0 ? [] : await read(keys);
      const taken = new Set(columns);
      return records.map((record, row) => {
        const merged: Record<string, unknown> = {};
        const found = features[row];
        for (const name of spec.features ?? Object.keys(found ?? {}))
          if (taken.has(name)) merged[name] = found ? (found[name] ?? null) : null;
        for (const [name, value] of Object.entries(record)) {
          if (!taken.has(name) && keyFields.some(([, field]) => field === name)) continue;
          merged[name] = value;
        }
        return merged;
      });
    },
    async enrichTensors(inputs, specs) {
      const byName = new Map(inputs.map((input) => [input.name, input]));
      const keyColumns = keyFields.map(([joinKey, field]) => {
        const tensor = byName.get(field);
        if (!tensor)
          throw new MlpError(
            'INVALID_ARGUMENT',
            `Input '${field}' is missing: it holds the entity key '${joinKey}' of the feature view '${spec.view}'; send it as a [N] tensor.`,
          );
        if (!Array.isArray(tensor.data) || tensor.shape.length !== 1 || tensor.data.some(Array.isArray))
          throw new MlpError(
            'INVALID_ARGUMENT',
            `Input '${field}' holds the entity key '${joinKey}' of the feature view '${spec.view}': send it as JSON data of shape [N].`,
          );
        return [joinKey, field, tensor.data as unknown[]] as const;
      });
      const rows = (keyColumns[0]?.[2] ?? []).length;
      for (const [, field, values] of keyColumns)
        if (values.length !== rows)
          throw new MlpError('INVALID_ARGUMENT', `Input '${field}' has ${values.length} entity keys; the other keys have ${rows}.`);
      const keys = Array.from({ length: rows }, (_, row) =>
        Object.fromEntries(keyColumns.map(([joinKey, field, values]) => [joinKey, entityValue(values[row], row, field)])),
      );
      const features = rows === 0 ? [] : await read(keys);
      const modelInputs = new Set(specs.map((tensorSpec) => tensorSpec.name));
      // Entity keys the model does not take are the server's, not the model's.
      const kept = inputs.filter((input) => modelInputs.has(input.name) || !keyColumns.some(([, field]) => field === input.name));
      const added = specs
        .filter(
          (tensorSpec) =>
            !byName.has(tensorSpec.name) &&
            (spec.features ?? []).concat(Object.keys(features.find(Boolean) ?? {})).includes(tensorSpec.name),
        )
        .map((tensorSpec) => ({
          name: tensorSpec.name,
          datatype: tensorSpec.datatype,
          shape: [rows],
          data: features.map((found) => missingAs(tensorSpec, found ? (found[tensorSpec.name] ?? null) : null)),
        }));
      return [...kept, ...added];
    },
  };
}

/** A missing feature in a tensor: NaN for floats (the raw-column ONNX model's missing number), '' for BYTES. */
function missingAs(spec: TensorSpec, value: OnlineFeatureValue): OnlineFeatureValue {
  if (value !== null) return value;
  if (spec.datatype.startsWith('FP')) return Number.NaN;
  if (spec.datatype === 'BYTES') return '';
  throw new MlpError(
    'NOT_FOUND',
    `The feature '${spec.name}' is missing for an entity and the model's input is ${spec.datatype}, which has no missing value: materialise the view, or send '${spec.name}' yourself.`,
  );
}
