import { access } from 'node:fs/promises';
import { BOOLEAN, type DuckDBConnection, DuckDBScalarFunction, VARCHAR } from '@duckdb/node-api';
import { MlpError } from '@mlp/core';
import { malformedCsvError, openTabularDb, resolveTabularFormat, type TabularDb, type TabularFormat } from '@mlp/core/tabular';
import type { EngineBackend, EngineTask, TaskOutcome, ValidationEngine } from '../engine/engine.js';
import { runSuite } from '../engine/run-suite.js';
import { isJson } from '../expectations/string-formats.js';
import { PARTIAL_UNEXPECTED_LIMIT } from '../result/validation-result.js';
import { type ColumnKind, type ResultValue, toResultValue } from '../values.js';
import { type PlanContext, planTask, type TaskPlan } from './duckdb-plan.js';
import { fileRelations, kindOfDuckDbType, type Relations, tableRelations, valueExpression } from './duckdb-source.js';
import { loadPostgresTable, type PostgresSource } from './postgres-source.js';
import { literal, plain } from './sql.js';

/** What the DuckDB engine reads: a file (CSV, TSV, Parquet, JSON lines, JSON; see `@mlp/core/tabular`), a table in a DuckDB connection, or a PostgreSQL table. */
export type DuckDbSource =
  | string
  | { path: string; format?: TabularFormat }
  | { table: string; connection: DuckDBConnection }
  | { postgres: PostgresSource };

export interface DuckDbEngine extends ValidationEngine {
  /** Releases the DuckDB instance the engine opened (not a connection it was given); idempotent. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Sets up to this size are inlined in SQL; larger ones go to a temporary table and a hash join. */
const INLINE_SET_LIMIT = 1000;
const registered = new WeakSet<DuckDBConnection>();

function registerFunctions(connection: DuckDBConnection): void {
  if (registered.has(connection)) return;
  // JSON validity by JSON.parse, so both engines agree (DuckDB's json_valid also accepts NaN and trailing commas).
  connection.registerScalarFunction(
    DuckDBScalarFunction.create({
      name: 'mlp_is_json',
      returnType: BOOLEAN,
      parameterTypes: [VARCHAR],
      mainFunction: (_info, input, output) => {
        const vector = input.getColumnVector(0);
        for (let row = 0; row < input.rowCount; row++) {
          const value = vector.getItem(row);
          output.setItem(row, typeof value === 'string' && isJson(value));
        }
        output.flush();
      },
    }),
  );
  registered.add(connection);
}

async function rows(connection: DuckDBConnection, sql: string): Promise<unknown[][]> {
  return (await connection.runAndReadAll(sql)).getRows() as unknown[][];
}

/**
 * The columnar engine: DuckDB reads the file and one aggregate query computes every expectation it
 * can in one scan; grouped, ordered and z-score checks add a query each; samples of unexpected values
 * are read only for failed expectations.
 */
export async function openDuckDbEngine(source: DuckDbSource, options: { connection?: DuckDBConnection } = {}): Promise<DuckDbEngine> {
  let db: TabularDb | undefined;
  let connection: DuckDBConnection;
  const given = typeof source === 'object' && 'connection' in source ? source.connection : options.connection;
  if (given) connection = given;
  else {
    db = await openTabularDb();
    connection = await db.connect();
  }
  registerFunctions(connection);

  let relations: Relations;
  let label: string;
  let file: { path: string; format: TabularFormat } | undefined;
  if (typeof source === 'string' || 'path' in source) {
    const filePath = typeof source === 'string' ? source : source.path;
    const format = resolveTabularFormat(filePath, typeof source === 'string' ? undefined : source.format);
    await access(filePath).catch(() => {
      throw new MlpError('NOT_FOUND', `Data file ${filePath} does not exist.`);
    });
    file = { path: filePath, format };
    relations = fileRelations(filePath, format);
    label = filePath;
  } else if ('table' in source) {
    relations = tableRelations(source.table);
    label = source.table;
  } else {
    const table = await loadPostgresTable(connection, source.postgres);
    relations = tableRelations(table);
    label = `postgres:${source.postgres.table}`;
  }

  let setCounter = 0;
  const setCache = new Map<string, string>();
  const query = async (sql: string) => {
    try {
      return await rows(connection, sql);
    } catch (error) {
      if (file) {
        const explained = await malformedCsvError(error, file.path, file.format);
        if (explained) throw explained;
      }
      throw error;
    }
  };
  /** A query whose failure means the data cannot be read at all: an MlpError naming the source. */
  const readable = async (sql: string) => {
    try {
      return await query(sql);
    } catch (error) {
      if (MlpError.isInstance(error)) throw error;
      throw new MlpError('INVALID_ARGUMENT', `Cannot read ${label}: ${(error as Error).message}`, { cause: error });
    }
  };

  const context: PlanContext = {
    relation: relations.relation,
    rowRelation: relations.rowRelation,
    value: (column) => valueExpression(column.name, column.nativeType),
    query,
    async set(members, kind) {
      if (members.length === 0) return undefined;
      if (members.length <= INLINE_SET_LIMIT) return `(${members.map(literal).join(', ')})`;
      const key = `${kind}:${JSON.stringify(members)}`;
      const cached = setCache.get(key);
      if (cached) return cached;
      const table = `__mlp_set_${process.pid}_${++setCounter}`;
      const type = kind === 'string' ? 'VARCHAR' : kind === 'boolean' ? 'BOOLEAN' : 'DOUBLE';
      await connection.run(`CREATE OR REPLACE TEMP TABLE ${table} (v ${type})`);
      const appender = await connection.createAppender(table, 'main', 'temp');
      for (const member of members) {
        if (type === 'VARCHAR') appender.appendVarchar(member as string);
        else if (type === 'BOOLEAN') appender.appendBoolean(member as boolean);
        else appender.appendDouble(member as number);
        appender.endRow();
      }
      appender.closeSync();
      const sql = `(SELECT v FROM temp.main.${table})`;
      setCache.set(key, sql);
      return sql;
    },
  };

  const plans = new Map<number, TaskPlan>();

  const backend: EngineBackend = {
    engine: 'duckdb',
    source: label,
    async columns() {
      const described = await readable(`DESCRIBE SELECT * FROM ${relations.relation}`);
      return described.map(([name, type]) => ({
        name: String(name),
        kind: kindOfDuckDbType(String(type)),
        nativeType: String(type),
      }));
    },
    async compute(tasks) {
      const outcomes: TaskOutcome[] = new Array(tasks.length);
      const planned: { position: number; task: EngineTask; plan: TaskPlan }[] = [];
      for (const [position, task] of tasks.entries()) {
        try {
          const plan = await planTask(task, context);
          plans.set(task.index, plan);
          planned.push({ position, task, plan });
        } catch (error) {
          outcomes[position] = { error };
        }
      }
      // Expectations often share expressions (the row count, a column's missing count): compute each once.
      const slots = new Map<string, number>();
      const positions = planned.map((entry) =>
        entry.plan.stage1.map((expression) => {
          if (!slots.has(expression)) slots.set(expression, slots.size);
          return slots.get(expression) as number;
        }),
      );
      let values: unknown[] | undefined;
      let rowCount: number;
      try {
        const [row] = await query(
          `SELECT count(*)${[...slots.keys()].map((expression) => `, ${expression}`).join('')} FROM ${relations.relation}`,
        );
        rowCount = Number(plain(row![0]));
        values = row!.slice(1);
      } catch (error) {
        if (MlpError.isInstance(error)) throw error; // the data itself is unreadable
        // One expectation's SQL failed (a pattern RE2 refuses): find it by running each alone.
        rowCount = Number(plain((await readable(`SELECT count(*) FROM ${relations.relation}`))[0]![0]));
      }
      for (const [k, { position, task, plan }] of planned.entries()) {
        try {
          let own: unknown[];
          if (values) own = positions[k]!.map((slot) => values[slot]);
          else own = plan.stage1.length === 0 ? [] : (await query(`SELECT ${plan.stage1.join(', ')} FROM ${relations.relation}`))[0]!;
          outcomes[position] = await plan.finish(own, context);
        } catch (error) {
          outcomes[position] = {
            error: MlpError.isInstance(error)
              ? error
              : new MlpError('INVALID_ARGUMENT', `${task.expectation.type}: ${(error as Error).message}`),
          };
        }
      }
      return { rowCount, outcomes };
    },
    async samples(tasks) {
      return Promise.all(
        tasks.map(async (task) => {
          try {
            const plan = plans.get(task.index);
            if (!plan?.frame) throw new MlpError('INTERNAL', `${task.expectation.type} has no unexpected-row frame.`);
            const frame = await plan.frame(context);
            const names = task.columns.map((_, i) => `c${i}`);
            const value = (cells: unknown[]): ResultValue =>
              task.columns.length === 1
                ? toResultValue(plain(cells[0]), task.columns[0]!.kind)
                : task.columns.map((column, i) => toResultValue(plain(cells[i]), column.kind as ColumnKind));
            const first = await query(
              `SELECT __row, ${names.join(', ')} FROM (${frame}) WHERE u ORDER BY __row LIMIT ${PARTIAL_UNEXPECTED_LIMIT}`,
            );
            const counts = await query(
              `SELECT ${names.join(', ')}, count(*) AS n FROM (${frame}) WHERE u GROUP BY ALL ORDER BY n DESC, ${names.map((name) => `${name} NULLS LAST`).join(', ')} LIMIT ${PARTIAL_UNEXPECTED_LIMIT}`,
            );
            return {
              rows: first.map((row) => ({ index: Number(plain(row[0])), value: value(row.slice(1)) })),
              counts: counts.map((row) => ({ value: value(row.slice(0, -1)), count: Number(plain(row[row.length - 1])) })),
            };
          } catch (error) {
            return { error };
          }
        }),
      );
    },
  };

  let closed = false;
  const close = async (): Promise<void> => {
    if (closed || !db) return;
    closed = true;
    connection.closeSync();
    await db.close();
  };
  return {
    engine: 'duckdb',
    async validate(suite, validateOptions = {}) {
      // An abort interrupts the query running at that moment, not only the next phase.
      const signal = validateOptions.signal;
      const interrupt = () => connection.interrupt();
      signal?.addEventListener('abort', interrupt, { once: true });
      try {
        return await runSuite(backend, suite, validateOptions);
      } catch (error) {
        if (signal?.aborted) throw new MlpError('FAILED_PRECONDITION', `Validation of ${label} was cancelled.`, { cause: signal.reason });
        throw error;
      } finally {
        signal?.removeEventListener('abort', interrupt);
      }
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** @deprecated renamed `openDuckDbEngine`: it is async and opens DuckDB (`create*` factories are synchronous). */
export const createDuckDbEngine = openDuckDbEngine;
