import type { EntityType, NumericAttribute, RunAttribute, StringAttribute } from './search-types.js';

// Maps for lookups: a plain object would answer for 'constructor' or '__proto__'.

/** MLflow's entity prefixes and their aliases (case-sensitive, as in MLflow). */
export const entityPrefixes: ReadonlyMap<string, EntityType | 'dataset'> = new Map<string, EntityType | 'dataset'>([
  ['metric', 'metric'],
  ['metrics', 'metric'],
  ['param', 'param'],
  ['params', 'param'],
  ['parameter', 'param'],
  ['parameters', 'param'],
  ['tag', 'tag'],
  ['tags', 'tag'],
  ['attribute', 'attribute'],
  ['attributes', 'attribute'],
  ['attr', 'attribute'],
  ['run', 'attribute'],
  // MLflow's dataset filters: datasets.name, .digest, .context.
  ['dataset', 'dataset'],
  ['datasets', 'dataset'],
]);

export const numericAttributes: readonly NumericAttribute[] = ['start_time', 'end_time'];
export const stringAttributes: readonly StringAttribute[] = ['run_id', 'run_name', 'status', 'user_id', 'artifact_uri'];

/** The run attributes MLflow lets a search filter and order by (RunInfo's searchable attributes). */
const attributeNames: ReadonlyMap<string, RunAttribute> = new Map<string, RunAttribute>([
  ...[...numericAttributes, ...stringAttributes].map((name): [string, RunAttribute] => [name, name]),
  // MLflow's aliases (the UI's column titles).
  ['created', 'start_time'],
  ['Created', 'start_time'],
  ['run name', 'run_name'],
  ['Run name', 'run_name'],
  ['Run Name', 'run_name'],
]);

export function resolveAttribute(name: string): RunAttribute | undefined {
  return attributeNames.get(name);
}

export function isNumericAttribute(name: RunAttribute): name is NumericAttribute {
  return (numericAttributes as readonly string[]).includes(name);
}

export const validAttributesText = `${[...stringAttributes, ...numericAttributes].join(', ')} (aliases: created, Created for start_time; run name, Run name, Run Name for run_name)`;

export const numericComparatorsText = '=, !=, >, >=, <, <=';
export const allComparatorsText = '=, !=, >, >=, <, <=, LIKE, ILIKE, IN';
