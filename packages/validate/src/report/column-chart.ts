import type { ExpectationResult } from '../result/validation-result.js';
import { formatPercent } from './format-percent.js';
import { escapeHtml } from './html-escape.js';

const ROW_HEIGHT = 18;
const LABEL_WIDTH = 200;
const BAR_WIDTH = 160;

/** A short label for an expectation in a chart row (`ValuesToBeBetween` for `expectColumnValuesToBeBetween`). */
export function shortName(type: string): string {
  return type.replace(/^expectColumn/, '').replace(/^expect/, '');
}

/**
 * A small inline SVG for one column: a bar per expectation on it, green for the rows that met it and
 * red (orange for warnings) for the unexpected share (row-by-row), or all red when an aggregate failed.
 */
export function columnChart(column: string, results: ExpectationResult[]): string {
  const height = results.length * ROW_HEIGHT + 4;
  const width = LABEL_WIDTH + BAR_WIDTH + 120;
  const rows = results.map((result, i) => {
    const y = i * ROW_HEIGHT + 2;
    const unexpected =
      result.unexpectedPercent !== undefined && result.unexpectedPercent !== null ? result.unexpectedPercent / 100 : result.success ? 0 : 1;
    const failColor = result.severity === 'warn' ? '#ef6c00' : '#c62828';
    // Any unexpected share shows at least a few pixels, so a failure never looks like a full green bar.
    const badWidth = unexpected === 0 ? 0 : Math.max(4, Math.min(1, unexpected) * BAR_WIDTH);
    const label = result.exception
      ? 'error'
      : result.unexpectedPercent !== undefined
        ? `${formatPercent(result.unexpectedPercent)} unexpected`
        : result.success
          ? 'met'
          : 'not met';
    return (
      `<text x="0" y="${y + 13}" font-size="11">${escapeHtml(shortName(result.type))}</text>` +
      `<rect x="${LABEL_WIDTH}" y="${y + 3}" width="${BAR_WIDTH}" height="11" fill="${result.success ? '#2e7d32' : '#a5d6a7'}"/>` +
      (badWidth > 0
        ? `<rect x="${LABEL_WIDTH + BAR_WIDTH - badWidth}" y="${y + 3}" width="${badWidth}" height="11" fill="${failColor}"/>`
        : '') +
      `<text x="${LABEL_WIDTH + BAR_WIDTH + 6}" y="${y + 13}" font-size="11">${escapeHtml(label)}</text>`
    );
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${escapeHtml(`expectations on ${column}`)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${rows.join('')}</svg>`;
}
