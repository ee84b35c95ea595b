import type { Cell } from '../data/table.js';
import type { DatePart } from '../spec/train-spec.js';

// ISO-8601 date or date-time; the offset is optional (no offset means UTC here, not local time).
const isoPattern = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * A cell as epoch milliseconds: a Date, a finite number (already epoch milliseconds) or ISO-8601
 * text. `undefined` when missing (null, NaN, an invalid Date), NaN when present but not a timestamp.
 * Text is parsed strictly: `Date.parse` would accept "3/4/2020" in the machine's time zone.
 */
export function parseTimestamp(cell: Cell): number | undefined {
  if (cell === null) return undefined;
  if (cell instanceof Date) {
    const time = cell.getTime();
    return Number.isNaN(time) ? undefined : time;
  }
  if (typeof cell === 'number') {
    if (Number.isNaN(cell)) return undefined;
    return Number.isFinite(cell) ? cell : Number.NaN;
  }
  if (typeof cell === 'string') {
    const text = cell.trim();
    if (text === '') return undefined;
    const match = isoPattern.exec(text);
    if (!match) return Number.NaN;
    const [, year, month, day, hour = '00', minute = '00', second = '00', fraction = '', offset = 'Z'] = match;
    const normalized = `${year}-${month}-${day}T${hour}:${minute}:${second}${fraction.slice(0, 4)}${offset.length === 5 ? `${offset.slice(0, 3)}:${offset.slice(3)}` : offset}`;
    const time = Date.parse(normalized);
    // Date.parse rolls 2024-02-31 over to March; a day that does not exist is not a timestamp.
    if (Number.isNaN(time) || new Date(Date.parse(`${year}-${month}-${day}T00:00:00Z`)).getUTCDate() !== Number(day)) return Number.NaN;
    return time;
  }
  return Number.NaN;
}

const DAY = 86_400_000;

/** One part of a UTC timestamp: month 1–12, day 1–31, dayOfWeek 0 (Sunday)–6, dayOfYear 1–366. */
export function datePart(date: Date, part: DatePart): number {
  switch (part) {
    case 'year':
      return date.getUTCFullYear();
    case 'month':
      return date.getUTCMonth() + 1;
    case 'day':
      return date.getUTCDate();
    case 'dayOfWeek':
      return date.getUTCDay();
    case 'dayOfYear':
      return Math.floor((date.getTime() - Date.UTC(date.getUTCFullYear(), 0, 1)) / DAY) + 1;
    case 'hour':
      return date.getUTCHours();
    case 'minute':
      return date.getUTCMinutes();
    case 'minuteOfDay':
      return date.getUTCHours() * 60 + date.getUTCMinutes();
  }
}
