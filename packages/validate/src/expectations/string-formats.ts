import { MlpError } from '@mlp/core';

// Date formats both engines check the same way: a regular expression (the same text for JavaScript and
// DuckDB's RE2) plus a calendar check, so neither engine's date parser decides on its own.

const directives: Record<string, string> = {
  Y: '(\\d{4})',
  m: '(0[1-9]|1[0-2])',
  d: '(0[1-9]|[12]\\d|3[01])',
  H: '([01]\\d|2[0-3])',
  M: '([0-5]\\d)',
  S: '([0-5]\\d)',
  y: '(\\d{2})',
};

export interface CompiledDateFormat {
  /** A full-match regular expression (anchored). */
  regex: string;
  /** Capture group numbers (1-based) of year, month and day, when the format has them. */
  year?: number;
  shortYear?: number;
  month?: number;
  day?: number;
}

// Only the characters special outside a class: `\-` is an error in a JavaScript `u` regex.
const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Compiles a strftime format (the directives above, and %%) into a regular expression. */
export function compileStrftime(format: string): CompiledDateFormat {
  let regex = '';
  let group = 0;
  const compiled: CompiledDateFormat = { regex: '' };
  for (let i = 0; i < format.length; i++) {
    const char = format[i] as string;
    if (char !== '%') {
      regex += escapeRegex(char);
      continue;
    }
    const directive = format[++i];
    if (directive === '%') {
      regex += '%';
      continue;
    }
    const pattern = directive === undefined ? undefined : directives[directive];
    if (!pattern) {
      throw new MlpError(
        'INVALID_ARGUMENT',
        `strftimeFormat "${format}" uses %${directive ?? ''}, which is not supported; use %Y %m %d %H %M %S %y or %%.`,
      );
    }
    group++;
    if (directive === 'Y') compiled.year = group;
    if (directive === 'y') compiled.shortYear = group;
    if (directive === 'm') compiled.month = group;
    if (directive === 'd') compiled.day = group;
    regex += pattern;
  }
  compiled.regex = `^${regex}$`;
  return compiled;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Whether `value` matches a compiled format and names a real calendar day. */
export function matchesDateFormat(value: string, format: CompiledDateFormat, regex = new RegExp(format.regex, 'u')): boolean {
  const match = regex.exec(value);
  if (!match) return false;
  if (format.day === undefined) return true;
  const day = Number(match[format.day]);
  const month = format.month === undefined ? 1 : Number(match[format.month]);
  const year =
    format.year !== undefined ? Number(match[format.year]) : format.shortYear !== undefined ? 2000 + Number(match[format.shortYear]) : 2000;
  return day <= daysInMonth(year, month);
}

/** ISO 8601 dates and date-times (a space may replace the T), with an optional zone: what "parseable as a date" means here. */
export const isoDateFormat: CompiledDateFormat = {
  regex:
    '^(\\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])([T ]([01]\\d|2[0-3]):[0-5]\\d(:[0-5]\\d(\\.\\d{1,9})?)?(Z|[+-]([01]\\d|2[0-3]):?[0-5]\\d)?)?$',
  year: 1,
  month: 2,
  day: 3,
};

/** Whether a string is JSON as RFC 8259 defines it (JSON.parse is that parser). */
export function isJson(value: string): boolean {
  try {
    JSON.parse(value);
    return true;
  } catch {
    return false;
  }
}
