import { MlpError } from '@mlp/core';
import { compileFilter } from './compile-filter.js';
import { compileOrderBy } from './compile-order-by.js';
import { parseFilter } from './filter-parser.js';
import { parseOrderBy } from './order-by-parser.js';
import { decodePageToken } from './page-token.js';
import { SqlParams } from './sql-params.js';

/** MLflow's defaults for search_runs. */
export const searchMaxResultsDefault = 1000;
export const searchMaxResultsLimit = 50_000;

export interface CompileSearchOptions {
  /** MLflow filter text; empty or absent matches every run. */
  filter?: string | undefined;
  /** MLflow order_by items; MLflow's natural order breaks ties. */
  orderBy?: readonly string[] | undefined;
  /** Page size, 1 to 50000; 1000 when absent. */
  maxResults?: number | undefined;
  /** The next_page_token of a previous page. */
  pageToken?: string | undefined;
  /** How many `$n` placeholders the caller uses before ours. */
  paramOffset?: number | undefined;
}

export interface CompiledSearch {
  /** A boolean expression over `tracking_runs r`. */
  where: string;
  /** An ORDER BY list (without the keywords) over `tracking_runs r`. */
  orderBy: string;
  limit: number;
  offset: number;
  /** The values of `$(paramOffset+1)` onwards, in order. */
  params: unknown[];
}

/**
 * Compiles a search_runs request into SQL fragments for
 * `select ... from tracking_runs r where <experiment scope> and (<where>) order by <orderBy> limit <limit> offset <offset>`.
 * Every user-given string, key or number is a `$n` parameter: nothing the user writes becomes SQL text.
 */
export function compileSearch(options: CompileSearchOptions = {}): CompiledSearch {
  const paramOffset = options.paramOffset ?? 0;
  if (!Number.isSafeInteger(paramOffset) || paramOffset < 0) {
    throw new MlpError('INVALID_ARGUMENT', `paramOffset must be a non-negative integer, got ${paramOffset}`);
  }
  const limit = options.maxResults ?? searchMaxResultsDefault;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > searchMaxResultsLimit) {
    throw new MlpError('INVALID_ARGUMENT', `max_results must be an integer from 1 to ${searchMaxResultsLimit}, got ${limit}`, {
      details: { maxResults: limit },
    });
  }
  const clauses = parseFilter(options.filter ?? '');
  const terms = parseOrderBy(options.orderBy ?? []);
  const offset = decodePageToken(options.pageToken);

  const params = new SqlParams(paramOffset);
  const where = compileFilter(clauses, params);
  const orderBy = compileOrderBy(terms, params);
  return { where, orderBy, limit, offset, params: params.values };
}
