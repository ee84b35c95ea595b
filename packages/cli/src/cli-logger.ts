import { createConsoleLogger, type Logger, type LogLevel } from '@mlp/core';
import type { CliStream } from './output.js';

const levelNames: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

export interface CliLoggerOptions {
  level: LogLevel;
  stderr: CliStream;
  /** JSON lines (pino's shape) when true, for `--json`; short human lines otherwise. */
  json: boolean;
}

/** The CLI's logger: always stderr, so stdout carries only the command's result. */
export function createCliLogger(options: CliLoggerOptions): Logger {
  const write = options.json
    ? (line: string) => options.stderr.write(`${line}\n`)
    : (line: string) => options.stderr.write(`${humanLogLine(line)}\n`);
  return createConsoleLogger({ level: options.level, write });
}

/** `{"level":40,"time":1,"msg":"disk low","free":3}` → `warn: disk low {"free":3}`. */
export function humanLogLine(jsonLine: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(jsonLine) as Record<string, unknown>;
  } catch {
    return jsonLine;
  }
  const { level, time: _time, msg, ...fields } = record;
  const name = levelNames[level as number] ?? String(level);
  const rest = Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
  return `${name}: ${typeof msg === 'string' ? msg : ''}${rest}`;
}
