import type { FeatureType } from '../definitions/feature-types.js';
import type { ResolvedFeatureView } from '../registry/resolved-view.js';
import { quoteIdentifier } from '../sources/source-connection.js';
import type { PitTables } from './pit-tables.js';

/** Features wanted from one view version, and the output column each becomes. */
export interface ViewSelection {
  view: ResolvedFeatureView;
  features: { name: string; type: FeatureType; as: string }[];
}

/**
 * The point-in-time join: for each entity row, per view, the newest row with the same keys whose
 * event time is at or before the entity's (`<=`: a value observed at that instant is known) and no
 * older than the view's TTL; between equal times the later-loaded row wins. Nothing from after the
 * entity's time can match, so no future value leaks in. Missing entities get nulls (left joins).
 * Per view, two hash joins on the `PitTables` (the interval holding the entity's time, or the
 * entity's last row), at most one of which matches.
 */
export function pointInTimeSql(input: {
  entities: string;
  entityColumns: readonly string[];
  timestampColumn: string;
  selections: readonly (ViewSelection & { pit: PitTables })[];
  /** Expressions to wrap output columns in (CSV text for timestamps), by output name. */
  render?: (column: string, type: FeatureType, expression: string) => string;
  entityTypes?: ReadonlyMap<string, FeatureType>;
  order?: boolean;
}): string {
  const render = input.render ?? ((_column, _type, expression) => expression);
  const time = `e.${quoteIdentifier(input.timestampColumn)}`;
  const outputs = input.entityColumns.map(
    (column) =>
      `${render(column, input.entityTypes?.get(column) ?? 'string', `e.${quoteIdentifier(column)}`)} as ${quoteIdentifier(column)}`,
  );
  const joins: string[] = [];
  input.selections.forEach((selection, index) => {
    const { view, pit } = selection;
    const [p, t] = [`p${index}`, `t${index}`];
    const keys = (alias: string) => view.joinKeys.map((key) => `${alias}.${quoteIdentifier(key.name)} = e.${quoteIdentifier(key.name)}`);
    joins.push(
      `left join ${pit.pit} ${p} on ${[...keys(p), `${p}.bucket = ${time} / ${pit.bucketMs}`, `${p}.event_ts <= ${time}`, `${time} < ${p}.end_ts`].join(' and ')}`,
    );
    if (pit.hasTail) {
      joins.push(
        `left join ${pit.tail} ${t} on ${[...keys(t), `${t}.event_ts <= ${time}`, `(${t}.end_ts is null or ${time} < ${t}.end_ts)`].join(' and ')}`,
      );
    }
    for (const feature of selection.features) {
      const column = quoteIdentifier(feature.name);
      const value = pit.hasTail ? `case when ${p}.event_ts is not null then ${p}.${column} else ${t}.${column} end` : `${p}.${column}`;
      outputs.push(`${render(feature.as, feature.type, value)} as ${quoteIdentifier(feature.as)}`);
    }
  });
  return `select ${outputs.join(', ')} from ${input.entities} e ${joins.join(' ')}${input.order === false ? '' : ' order by e._row'}`;
}
