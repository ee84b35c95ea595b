import type { LogLevel } from '../config/config-schema.js';

type LogFn = {
  (message: string): void;
  (fields: Record<string, unknown>, message?: string): void;
};

/** The subset of pino's API mlp uses, so a pino instance can be passed in as it is. */
export interface Logger {
  trace: LogFn;
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  fatal: LogFn;
  child(bindings: Record<string, unknown>): Logger;
}

const levelValues: Record<LogLevel, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity };

export interface ConsoleLoggerOptions {
  level?: LogLevel;
  /** Where JSON lines go; stderr by default so a command's stdout stays clean for `--json`. */
  write?: (line: string) => void;
  bindings?: Record<string, unknown>;
}

/** A small JSON-lines logger with pino's field names (`level`, `time`, `msg`). */
export function createConsoleLogger(options: ConsoleLoggerOptions = {}): Logger {
  const threshold = levelValues[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const bindings = options.bindings ?? {};

  const at = (level: Exclude<LogLevel, 'silent'>): LogFn =>
    ((first: string | Record<string, unknown>, message?: string) => {
      if (levelValues[level] < threshold) return;
      const fields = typeof first === 'string' ? { msg: first } : { ...first, ...(message === undefined ? {} : { msg: message }) };
      write(JSON.stringify({ level: levelValues[level], time: Date.now(), ...bindings, ...fields }, errorReplacer));
    }) as LogFn;

  return {
    trace: at('trace'),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    fatal: at('fatal'),
    child: (more) => createConsoleLogger({ ...options, bindings: { ...bindings, ...more } }),
  };
}

export function createSilentLogger(): Logger {
  return createConsoleLogger({ level: 'silent' });
}

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { type: value.name, message: value.message, stack: value.stack };
  return value;
}
