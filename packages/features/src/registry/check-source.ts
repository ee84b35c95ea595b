import { MlpError } from '@mlp/core';
import { describeSource } from '../definitions/feature-source.js';
import type { FeatureViewDefinition } from '../definitions/feature-view.js';
import type { InspectedSource } from '../sources/inspect-source.js';
import { keyFits, kindFits } from '../sources/source-columns.js';

/**
 * Refuses a view whose source lacks its timestamp column, a join key or a feature, or holds one in a
 * type the declaration cannot be read as. Every problem is named at once.
 */
export function checkViewAgainstSource(view: FeatureViewDefinition, inspected: InspectedSource): void {
  const columns = new Map(inspected.columns.map((column) => [column.name, column]));
  const problems: string[] = [];
  const timestamp = columns.get(view.timestampColumn);
  if (!timestamp) problems.push(`it has no timestamp column ${view.timestampColumn}`);
  else if (!['timestamp', 'date', 'integer'].includes(timestamp.kind)) {
    problems.push(`its timestamp column ${view.timestampColumn} is ${timestamp.engineType}, not a timestamp, date or epoch milliseconds`);
  }
  for (const key of view.entities.flatMap((item) => item.joinKeys)) {
    const column = columns.get(key.name);
    if (!column) problems.push(`it has no join key column ${key.name}`);
    else if (!keyFits(column.kind, key.type)) problems.push(`its join key ${key.name} is ${column.engineType}, not ${key.type}`);
  }
  for (const feature of view.features) {
    const column = columns.get(feature.name);
    if (!column) problems.push(`it has no column for the feature ${feature.name}`);
    else if (!kindFits(column.kind, feature.type))
      problems.push(`the feature ${feature.name} is ${column.engineType} there, not ${feature.type}`);
  }
  if (problems.length > 0) {
    const known = inspected.columns.map((column) => column.name).join(', ');
    throw new MlpError(
      'INVALID_ARGUMENT',
      `Feature view ${view.name}: its source (${describeSource(view.source)}) does not fit: ${problems.join('; ')}. Its columns are: ${known || '(none)'}.`,
      { details: { view: view.name, problems } },
    );
  }
}
