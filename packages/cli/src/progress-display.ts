import { createLogUpdate } from 'log-update';
import type { CliStream } from './cli-stream.js';

/** A stream that may know its terminal's size (process.stderr on a terminal does). */
export type ProgressStream = CliStream & { columns?: number; rows?: number };

export interface ProgressDisplayOptions {
  stream: ProgressStream;
  /** Whether anything is shown (false under `--json`); asked at each call, because options are parsed later. */
  enabled: () => boolean;
  /** Milliseconds now, for rates and ETAs; Date.now by default (tests pass a fake clock). */
  now?: () => number;
}

/** How much of a long piece of work is done: bytes hashed or copied, rows predicted. */
export interface ProgressCounter {
  /** Sets the amount done, and the total when it becomes known. */
  update(done: number, total?: number): void;
  /** Adds to the amount done. */
  add(count: number): void;
  /** Changes the label (`Hashing 3/10 files`), shown at the next redraw. */
  setLabel(label: string): void;
  /** Removes the counter from the live block. */
  done(): void;
}

export interface CounterOptions {
  /** `bytes` shows KiB/MiB/GiB and a rate per second; `rows` (the default) shows counts. */
  unit?: 'bytes' | 'rows';
  total?: number;
}

/**
 * Progress on stderr. On a terminal: permanent lines scroll above a live block at the bottom, which
 * is redrawn in place (log-update) and truncated to the terminal's width so it never wraps. In a pipe:
 * permanent lines only, as plain text. Under `--json`: nothing.
 */
export interface ProgressDisplay {
  /** A line that stays: above the live block on a terminal, a plain line in a pipe. */
  line(text: string): void;
  /** Replaces the status part of the live block (one line or several); shown only on a terminal. */
  status(lines: string | readonly string[]): void;
  /** A live line `label done/total unit rate ETA` under the status; shown only on a terminal. */
  counter(label: string, options?: CounterOptions): ProgressCounter;
  /** Removes the live block (before a result or an error is printed). */
  clear(): void;
  /** A stream for other writers of stderr (the logger): their text goes above the live block, even under `--json`. */
  readonly stream: ProgressStream;
}

/** Counters redraw at most this often; status changes redraw at once. */
const COUNTER_REDRAW_MS = 100;

export function createProgressDisplay(options: ProgressDisplayOptions): ProgressDisplay {
  const { stream } = options;
  const now = options.now ?? Date.now;
  const terminal = stream.isTTY === true;
  // showCursor: log-update would otherwise hide the cursor through process.stderr, not this stream.
  const log = terminal ? createLogUpdate(stream as NodeJS.WritableStream, { showCursor: true }) : undefined;
  let statusLines: readonly string[] = [];
  const counters = new Set<LiveCounter>();
  let shown = false;
  let lastDraw = Number.NEGATIVE_INFINITY;

  const block = () => [...statusLines, ...[...counters].map((counter) => counter.text(now()))];
  const draw = () => {
    if (!log) return;
    const lines = block();
    if (lines.length === 0) {
      if (shown) log.clear();
      shown = false;
      return;
    }
    const width = Math.max(10, (stream.columns ?? 80) - 1); // the last column would wrap on some terminals
    log(lines.map((line) => truncate(line, width)).join('\n'));
    shown = true;
    lastDraw = now();
  };

  const above: ProgressStream = {
    isTTY: stream.isTTY,
    write(chunk: string) {
      if (!log || !shown) return stream.write(chunk);
      log.clear();
      stream.write(chunk);
      shown = false;
      draw();
      return true;
    },
  };

  return {
    stream: above,
    line(text) {
      if (!options.enabled()) return;
      if (!log) {
        stream.write(`${text}\n`);
        return;
      }
      log.persist(text);
      shown = false;
      draw();
    },
    status(lines) {
      if (!options.enabled()) return;
      statusLines = typeof lines === 'string' ? [lines] : [...lines];
      draw();
    },
    counter(label, counterOptions = {}) {
      const counter = new LiveCounter(label, counterOptions.unit ?? 'rows', counterOptions.total, now());
      const enabled = options.enabled() && log !== undefined;
      if (enabled) counters.add(counter);
      const redraw = (force: boolean) => {
        if (enabled && (force || now() - lastDraw >= COUNTER_REDRAW_MS)) draw();
      };
      return {
        update(done, total) {
          counter.done = done;
          if (total !== undefined) counter.total = total;
          redraw(false);
        },
        add(count) {
          counter.done += count;
          redraw(false);
        },
        setLabel(label) {
          counter.label = label;
        },
        done() {
          if (!counters.delete(counter)) return;
          redraw(true);
        },
      };
    },
    clear() {
      statusLines = [];
      counters.clear();
      if (log && shown) log.clear();
      shown = false;
    },
  };
}

class LiveCounter {
  done = 0;
  constructor(
    public label: string,
    readonly unit: 'bytes' | 'rows',
    public total: number | undefined,
    readonly started: number,
  ) {}

  text(at: number): string {
    const amount = (value: number) => (this.unit === 'bytes' ? formatBytes(value) : value.toLocaleString('en-US'));
    const parts = [this.label, this.total ? `${amount(this.done)}/${amount(this.total)}` : amount(this.done)];
    if (this.unit === 'rows') parts[1] += ' rows';
    if (this.total) parts.push(`${Math.floor((100 * this.done) / this.total)}%`);
    const seconds = (at - this.started) / 1000;
    if (seconds >= 0.5 && this.done > 0) {
      const rate = this.done / seconds;
      parts.push(this.unit === 'bytes' ? `${formatBytes(rate)}/s` : `${Math.round(rate).toLocaleString('en-US')} rows/s`);
      if (this.total && this.total > this.done) parts.push(`ETA ${formatDuration((this.total - this.done) / rate)}`);
    }
    return parts.join('  ');
  }
}

/** `12.3 MiB`: binary units, one decimal above bytes. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** `45s`, `3m05s`, `1h02m`: short enough for a status line. */
export function formatDuration(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  if (whole < 60) return `${whole}s`;
  const minutes = Math.floor(whole / 60);
  if (minutes < 60) return `${minutes}m${String(whole % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** The line cut to `width` columns (one per code point, as renderTable counts), ending in `…` when cut. */
export function truncate(line: string, width: number): string {
  const chars = [...line];
  return chars.length <= width ? line : `${chars.slice(0, width - 1).join('')}…`;
}
