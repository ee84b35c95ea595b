import type { DbExecutor, Logger } from '@mlp/core';
import { sql } from 'drizzle-orm';

interface LogLine {
  time: number;
  level: string;
  message: string;
}

export interface TaskLogger {
  logger: Logger;
  /** Writes the buffered lines (inside `tx` when given, so they commit with the attempt's result). */
  flush(tx?: DbExecutor): Promise<void>;
}

const FLUSH_EVERY_MS = 500;

/**
 * A step's logger: lines are kept per task in the store (batched, flushed every half second and when
 * the attempt ends) so `mlp pipeline logs --follow` streams them, and echoed to the workspace logger.
 */
export function createTaskLogger(
  db: { transaction: <T>(work: (tx: DbExecutor) => Promise<T>) => Promise<T> },
  ids: { runId: string; taskId: string; attempt: number },
  echo: Logger,
): TaskLogger {
  let buffer: LogLine[] = [];
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();

  const write = async (tx: DbExecutor | undefined): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (buffer.length === 0) return;
    const lines = buffer;
    buffer = [];
    const insert = (executor: DbExecutor) =>
      executor.execute(sql`insert into orchestrate_logs (run_id, task_id, attempt, time, level, message)
        select ${ids.runId}, ${ids.taskId}, ${ids.attempt}, (l->>'time')::bigint, l->>'level', l->>'message'
          from jsonb_array_elements(${JSON.stringify(lines)}::jsonb) as l`);
    if (tx) await insert(tx);
    else await db.transaction(insert);
  };

  const at =
    (level: string) =>
    (first: string | Record<string, unknown>, message?: string): void => {
      const text =
        typeof first === 'string'
          ? first
          : [message, Object.keys(first).length ? JSON.stringify(first) : undefined].filter(Boolean).join(' ');
      buffer.push({ time: Date.now(), level, message: text });
      echo.debug({ task: ids.taskId, level }, text);
      if (!timer)
        timer = setTimeout(() => {
          writing = writing.then(() => write(undefined)).catch(() => undefined);
        }, FLUSH_EVERY_MS);
    };

  const logger: Logger = {
    trace: at('trace') as Logger['trace'],
    debug: at('debug') as Logger['debug'],
    info: at('info') as Logger['info'],
    warn: at('warn') as Logger['warn'],
    error: at('error') as Logger['error'],
    fatal: at('fatal') as Logger['fatal'],
    child: () => logger,
  };
  return {
    logger,
    async flush(tx) {
      await writing;
      await write(tx);
    },
  };
}
