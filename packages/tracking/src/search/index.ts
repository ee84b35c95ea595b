export {
  type CompiledSearch,
  type CompileSearchOptions,
  compileSearch,
  searchMaxResultsDefault,
  searchMaxResultsLimit,
} from './compile-search.js';
export { parseFilter } from './filter-parser.js';
export { parseOrderBy } from './order-by-parser.js';
export { decodePageToken, encodePageToken, nextPageToken } from './page-token.js';
export type {
  Comparator,
  EntityType,
  FilterClause,
  ListComparator,
  NullComparator,
  NumericAttribute,
  NumericComparator,
  OrderTerm,
  RunAttribute,
  StringAttribute,
  StringComparator,
} from './search-types.js';
