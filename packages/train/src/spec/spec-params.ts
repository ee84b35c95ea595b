import type { ParamValue } from '@mlp/tracking';
import type { TrainSpec } from './train-spec.js';

/**
 * The spec as run params, flattened to dotted keys (`model.hiddenUnits`, `optimizer.learningRate`),
 * lists as JSON. Features are listed by name; the whole spec travels as the package's provenance.
 */
export function specParams(spec: TrainSpec): Record<string, ParamValue> {
  const params: Record<string, ParamValue> = {};
  const visit = (prefix: string, value: unknown) => {
    if (value === undefined) return;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      params[prefix] = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : JSON.stringify(value);
      return;
    }
    for (const [key, inner] of Object.entries(value)) visit(prefix ? `${prefix}.${key}` : key, inner);
  };
  const { search: _search, tags: _tags, features, target, ...rest } = spec;
  visit('', rest);
  params.target = target.expression ? `${target.name} = ${target.expression}` : target.name;
  params.features = features.map((feature) => (feature.type === 'numeric' ? feature.name : `${feature.name}:${feature.type}`)).join(',');
  return params;
}
