import type { CliStream } from './cli-stream.js';
import { createProgressDisplay, type ProgressDisplay } from './progress-display.js';

export type { CliStream } from './cli-stream.js';

/** Rows of cells printed as aligned columns; `columns` adds a header row. */
export interface TextTable {
  columns?: readonly string[];
  rows: readonly (readonly string[])[];
  /** A line printed after the rows, such as a summary. */
  footer?: string;
}

export function isTable(value: unknown): value is TextTable {
  return typeof value === 'object' && value !== null && Array.isArray((value as TextTable).rows);
}

/** Width of a cell in a terminal: one column per code point (enough for the symbols mlp prints). */
function width(text: string): number {
  return [...text].length;
}

/** The table as text: every column but the last padded to its widest cell, two spaces between columns. */
export function renderTable(table: TextTable): string {
  const rows = table.columns ? [table.columns, ...table.rows] : [...table.rows];
  const count = Math.max(0, ...rows.map((row) => row.length));
  const widths = Array.from({ length: count }, (_, column) => Math.max(0, ...rows.map((row) => width(row[column] ?? ''))));
  const lines = rows.map((row) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell + ' '.repeat((widths[column] ?? 0) - width(cell))))
      .join('  ')
      .trimEnd(),
  );
  if (table.footer !== undefined) lines.push(table.footer);
  return lines.join('\n');
}

export interface OutputOptions {
  stdout: CliStream;
  stderr: CliStream;
  /** Whether `--json` is on; asked at each call, because options are parsed after the output is made. */
  json: () => boolean;
}

/** How commands talk to the user: results on stdout, progress and errors on stderr (errors on stdout under --json). */
export interface Output {
  /** Human text is printed now; a JSON value is kept until `flush`, so stdout holds one document. */
  result(human: string | TextTable, json: unknown): void;
  /** A live status line (see `display.status`). */
  progress(message: string): void;
  /** Progress on stderr: permanent lines, a live block on a terminal, counters; nothing under --json. */
  readonly display: ProgressDisplay;
  /** Prints the kept JSON value, if any; returns whether there was one. */
  flush(): boolean;
  /** Drops the kept JSON value (the command failed after calling `result`). */
  discard(): void;
  error(error: { code: string; message: string }): void;
}

export function createOutput(options: OutputOptions): Output {
  const { stdout, stderr } = options;
  let pending: { value: unknown } | undefined;
  const display = createProgressDisplay({ stream: stderr, enabled: () => !options.json() });
  const clearProgress = () => display.clear();

  return {
    display,
    result(human, json) {
      if (options.json()) {
        pending = { value: json };
        return;
      }
      clearProgress();
      const text = isTable(human) ? renderTable(human) : human;
      if (text !== '') stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    },
    progress(message) {
      display.status(message);
    },
    flush() {
      clearProgress();
      if (!pending) return false;
      stdout.write(`${JSON.stringify(pending.value, null, 2)}\n`);
      pending = undefined;
      return true;
    },
    discard() {
      pending = undefined;
    },
    error(error) {
      clearProgress();
      if (options.json()) {
        stdout.write(`${JSON.stringify({ ok: false, error: { code: error.code, message: error.message } }, null, 2)}\n`);
      } else {
        stderr.write(`error [${error.code}]: ${error.message}\n`);
      }
    },
  };
}
