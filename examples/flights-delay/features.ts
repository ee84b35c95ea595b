// The flights-delay pipeline's features (@mlp/features): how late the departures of a flight's origin
// airport have been lately. `mlp features apply examples/flights-delay/features.ts` records them; the
// pipeline's `features` step derives their source from the versioned training rows, applies them,
// builds the point-in-time training set the model trains on and materialises the latest values to the
// online store, which the deployed model server reads each request's features from (by its `origin`).
import { sqlString } from '@mlp/core/tabular';
import { entity, featureView } from '@mlp/features';

/** The hourly delay figures per origin airport, derived from each version of the training rows. */
export const ORIGIN_HOURLY_DATASET = 'flights-origin-hourly';

/** An airport flights leave from; the request field `origin` is its key. */
export const origin = entity({ name: 'origin', joinKeys: ['origin'], description: 'the airport a flight departs from (IATA code)' });

export const originDelays = featureView({
  name: 'origin_delays',
  entities: [origin],
  // A new version of the derived dataset is read when a training set or materialisation next needs it.
  source: { dataset: `${ORIGIN_HOURLY_DATASET}@latest` },
  // The figures of an hour's departures count as known 6 hours after the hour ends, once nearly all its
  // flights have landed (`delay` is the arrival delay): a flight never sees its own hour, so its own delay
  // (the label) cannot reach its features, nor the delays of flights still in the air when it leaves.
  timestampColumn: 'known_at',
  // No age limit: the flights are 2001's, served today, and the online store judges a TTL against the
  // present (at materialisation and at read), so any TTL shorter than the years between would expire every
  // value it holds. What a value covers is bounded by its own window instead (the last hour with departures,
  // and the 24 hours up to it).
  ttl: 0,
  features: {
    origin_departures_1h: 'int64',
    origin_delay_1h: 'float64',
    origin_departures_24h: 'int64',
    origin_delay_24h: 'float64',
    origin_late_share_24h: 'float64',
  },
  description:
    'arrival delays of the departures from an airport: in its last known hour with departures, and in the 24 hours up to its end (known 6 h after)',
  tags: { pipeline: 'flights-delay' },
});

/** What the pipeline applies. */
export const definitions = [origin, originDelays];

/** The features the model takes besides the raw columns, in the view's order. */
export const featureColumns = originDelays.features.map((feature) => feature.name);

/**
 * The view's source rows from the training rows (`date`, `delay`, `origin`: a DuckDB scan): per origin
 * and hour with departures, that hour's departures and mean arrival delay, and the same over the 24 hours
 * up to the hour's end with the share of flights more than 15 minutes late (the label's definition),
 * each row stamped `known_at`: 6 hours after the hour's end.
 */
export function originHourlySql(scan: string): string {
  return `
    WITH hourly AS (
      SELECT origin, date_trunc('hour', date) AS hour, count(*) AS departures, sum(delay) AS delay_sum,
             count(*) FILTER (WHERE delay > 15) AS late
      FROM ${scan}
      WHERE date IS NOT NULL AND delay IS NOT NULL AND origin IS NOT NULL
      GROUP BY 1, 2
    )
    SELECT origin,
           hour + INTERVAL 7 HOUR AS known_at,
           CAST(departures AS BIGINT) AS origin_departures_1h,
           CAST(delay_sum AS DOUBLE) / departures AS origin_delay_1h,
           CAST(sum(departures) OVER day AS BIGINT) AS origin_departures_24h,
           CAST(sum(delay_sum) OVER day AS DOUBLE) / sum(departures) OVER day AS origin_delay_24h,
           CAST(sum(late) OVER day AS DOUBLE) / sum(departures) OVER day AS origin_late_share_24h
    FROM hourly
    WINDOW day AS (PARTITION BY origin ORDER BY hour RANGE BETWEEN INTERVAL 23 HOURS PRECEDING AND CURRENT ROW)
    ORDER BY origin, hour`;
}

/** `COPY (…) TO file` of the derived rows, as Parquet. */
export function writeOriginHourlySql(scan: string, file: string): string {
  return `COPY (${originHourlySql(scan)}) TO ${sqlString(file)} (FORMAT parquet)`;
}
