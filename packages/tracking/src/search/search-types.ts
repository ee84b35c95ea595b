/** What a filter condition or an order_by key talks about. MLflow's aliases are resolved to these. */
export type EntityType = 'metric' | 'param' | 'tag' | 'attribute';

export type NumericAttribute = 'start_time' | 'end_time';
export type StringAttribute = 'run_id' | 'run_name' | 'status' | 'user_id' | 'artifact_uri';
export type RunAttribute = NumericAttribute | StringAttribute;

/** What MLflow's `datasets.<field>` filters compare: a logged dataset input's name, digest or context tag. */
export type DatasetField = 'name' | 'digest' | 'context';

export type NumericComparator = '=' | '!=' | '>' | '>=' | '<' | '<=';
export type StringComparator = '=' | '!=' | 'LIKE' | 'ILIKE';
export type NullComparator = 'IS NULL' | 'IS NOT NULL';
export type ListComparator = 'IN' | 'NOT IN';
export type Comparator = NumericComparator | StringComparator | NullComparator | ListComparator;

/** One condition of a filter; a filter is a list of them joined by AND. */
export type FilterClause =
  | { type: 'metric'; key: string; comparator: NumericComparator; value: number }
  | { type: 'param' | 'tag'; key: string; comparator: StringComparator; value: string }
  | { type: 'param' | 'tag'; key: string; comparator: NullComparator }
  | { type: 'attribute'; key: NumericAttribute; comparator: NumericComparator; value: number }
  | { type: 'attribute'; key: StringAttribute; comparator: StringComparator; value: string }
  | { type: 'attribute'; key: 'run_id'; comparator: ListComparator; value: string[] }
  | { type: 'dataset'; key: DatasetField; comparator: StringComparator; value: string }
  | { type: 'dataset'; key: DatasetField; comparator: ListComparator; value: string[] };

/** One order_by key. For attributes, `key` is the canonical attribute name. */
export type OrderTerm =
  | { type: 'metric' | 'param' | 'tag'; key: string; ascending: boolean }
  | { type: 'attribute'; key: RunAttribute; ascending: boolean };
