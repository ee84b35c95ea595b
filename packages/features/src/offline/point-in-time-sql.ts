import type { FeatureType } from '../definitions/feature-types.js';
import type { ResolvedFeatureView } from '../registry/resolved-view.js';
import { quoteIdentifier } from '../sources/source-connection.js';

/** Features wanted from one view version, and the output column each becomes. */
export interface ViewSelection {
  view: ResolvedFeatureView;
  features: { name: string; type: FeatureType; as: string }[];
}

/**
 * The point-in-time join: for each entity row, per view, the newest row with the same keys whose
 * event time is at or before the entity's (`<=`: a value observed at that instant is known) and no
 * older than the view's TTL; between equal times the later-loaded row wins. Nothing from after the
 * entity's time can match, so no future value leaks in. Missing entities get nulls (a left join).
 * Each view is one LATERAL probe of its (keys, event_ts desc) index per entity row.
 */
export function pointInTimeSql(input: {
  entities: string;
  entityColumns: readonly string[];
  timestampColumn: string;
  selections: readonly ViewSelection[];
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
    const alias = `v${index}`;
    const { view } = selection;
    const conditions = [
      ...view.joinKeys.map((key) => `t.${quoteIdentifier(key.name)} = e.${quoteIdentifier(key.name)}`),
      `t.event_ts <= ${time}`,
      ...(view.ttlMs > 0 ? [`t.event_ts >= ${time} - ${view.ttlMs}`] : []),
    ];
    const picked = selection.features.map((feature) => `t.${quoteIdentifier(feature.name)}`).join(', ');
    joins.push(
      `left join lateral (select ${picked} from ${view.offlineTable} t where ${conditions.join(' and ')} order by t.event_ts desc, t._seq desc limit 1) ${alias} on true`,
    );
    for (const feature of selection.features) {
      outputs.push(`${render(feature.as, feature.type, `${alias}.${quoteIdentifier(feature.name)}`)} as ${quoteIdentifier(feature.as)}`);
    }
  });
  return `select ${outputs.join(', ')} from ${input.entities} e ${joins.join(' ')}${input.order === false ? '' : ' order by e._row'}`;
}
