import { columnsOf } from '../expectations/catalog.js';
import type { ExpectationResult, ValidationResult } from '../result/validation-result.js';
import { columnChart, shortName } from './column-chart.js';
import { formatPercent } from './format-percent.js';
import { escapeHtml } from './html-escape.js';

/** Not-null and null expectations count every row, missing ones included. */
const countsMissing = (type: string) => type === 'expectColumnValuesToNotBeNull' || type === 'expectColumnValuesToBeNull';

const style = `
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#222;padding:0 1rem}
h1{margin-bottom:.2rem}.muted{color:#666}.badge{display:inline-block;padding:.15rem .6rem;border-radius:1rem;color:#fff;font-weight:600}
.pass{background:#2e7d32}.fail{background:#c62828}.warn{background:#ef6c00}
.stats{display:flex;gap:1rem;margin:1rem 0}.stat{border:1px solid #ddd;border-radius:.5rem;padding:.6rem 1rem;min-width:8rem}
.stat b{display:block;font-size:1.4rem}table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}
th,td{border-bottom:1px solid #eee;text-align:left;padding:.35rem .5rem;vertical-align:top}th{background:#fafafa}
code{font-size:12px;background:#f5f5f5;padding:0 .2rem;border-radius:.2rem;word-break:break-all}
.columns{display:grid;grid-template-columns:repeat(auto-fill,minmax(500px,1fr));gap:1rem}.column{border:1px solid #eee;border-radius:.5rem;padding:.5rem 1rem}
`;

const json = (value: unknown) => JSON.stringify(value, (_key, inner) => (typeof inner === 'bigint' ? Number(inner) : inner));

function status(result: ExpectationResult): string {
  if (result.success) return '<span class="badge pass">passed</span>';
  return result.severity === 'warn' ? '<span class="badge warn">warning</span>' : '<span class="badge fail">failed</span>';
}

function detail(result: ExpectationResult): string {
  const parts: string[] = [];
  if (result.exception) parts.push(`<strong>Error:</strong> ${escapeHtml(result.exception.message)}`);
  if (result.message) parts.push(escapeHtml(result.message));
  if (result.unexpectedCount !== undefined) {
    const considered = countsMissing(result.type) ? (result.elementCount ?? 0) : (result.elementCount ?? 0) - (result.missingCount ?? 0);
    parts.push(
      `${escapeHtml(result.unexpectedCount.toLocaleString('en-US'))} unexpected of ${escapeHtml(considered.toLocaleString('en-US'))} (${escapeHtml(formatPercent(result.unexpectedPercent))}), ${escapeHtml((result.missingCount ?? 0).toLocaleString('en-US'))} missing`,
    );
  }
  if (result.observedValue !== undefined) parts.push(`observed <code>${escapeHtml(json(result.observedValue))}</code>`);
  if (result.partialUnexpectedCounts?.length) {
    const values = result.partialUnexpectedCounts
      .map((entry) => `<code>${escapeHtml(json(entry.value))}</code> × ${entry.count}`)
      .join(', ');
    parts.push(`most frequent unexpected: ${values}`);
  }
  if (result.partialUnexpectedIndexList?.length)
    parts.push(`first unexpected rows: ${escapeHtml(result.partialUnexpectedIndexList.join(', '))}`);
  return parts.join('<br>');
}

/** Failed errors first, then failed warnings, then the rest, each in suite order. */
function ordered(results: ExpectationResult[]): ExpectationResult[] {
  const rank = (result: ExpectationResult) => (result.success ? 2 : result.severity === 'error' ? 0 : 1);
  return [...results].sort((a, b) => rank(a) - rank(b) || a.index - b.index);
}

/**
 * A self-contained HTML page (no scripts, no external files): the summary first, then expectations
 * with failures on top, then a small chart per column. Every user-supplied text is escaped.
 */
export function renderHtmlReport(result: ValidationResult, options: { title?: string } = {}): string {
  const title = options.title ?? `Validation of ${result.source}`;
  const { statistics } = result;
  const rows = ordered(result.results)
    .map(
      (entry) =>
        `<tr><td>${status(entry)}</td><td>#${entry.index} <strong>${escapeHtml(entry.type)}</strong><br><code>${escapeHtml(json(entry.args))}</code></td><td>${escapeHtml(entry.severity)}</td><td>${detail(entry)}</td></tr>`,
    )
    .join('\n');
  const byColumn = new Map<string, ExpectationResult[]>();
  for (const entry of result.results) {
    for (const column of columnsOf(entry.args)) byColumn.set(column, [...(byColumn.get(column) ?? []), entry]);
  }
  const kinds = new Map(result.columns.map((column) => [column.name, `${column.kind}, ${column.nativeType}`]));
  const charts = [...byColumn]
    .map(
      ([column, entries]) =>
        `<div class="column"><h3>${escapeHtml(column)} <span class="muted">${escapeHtml(kinds.get(column) ?? 'absent')}</span></h3>${columnChart(column, entries)}</div>`,
    )
    .join('\n');
  const failedNames = result.results.filter((entry) => !entry.success).map((entry) => shortName(entry.type));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${style}</style></head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="muted">Suite <strong>${escapeHtml(result.suiteName)}</strong> · ${escapeHtml(result.rowCount.toLocaleString('en-US'))} rows · ${escapeHtml(result.columns.length)} columns · engine ${escapeHtml(result.engine)} · ${escapeHtml(result.startedAt)} · ${escapeHtml(Math.round(result.durationMs))} ms</p>
<p>${result.success ? '<span class="badge pass">PASSED</span>' : '<span class="badge fail">FAILED</span>'} ${result.success ? 'No error-severity expectation failed.' : `Failed: ${escapeHtml([...new Set(failedNames)].join(', '))}.`}</p>
<div class="stats">
<div class="stat"><b>${statistics.evaluated}</b>evaluated</div>
<div class="stat"><b>${statistics.successful}</b>successful</div>
<div class="stat"><b>${statistics.unsuccessful}</b>unsuccessful</div>
<div class="stat"><b>${statistics.successPercent === null ? '–' : `${statistics.successPercent.toFixed(1)}%`}</b>success</div>
</div>
<h2>Expectations</h2>
<table><thead><tr><th>Status</th><th>Expectation</th><th>Severity</th><th>Result</th></tr></thead><tbody>
${rows}
</tbody></table>
<h2 id="columns">Columns</h2>
<p class="muted">Per expectation on the column: green for the rows that met it, red (orange for a warning) for the unexpected share, shown as at least a sliver when there is any; aggregates read met or not met.</p>
<div class="columns">
${charts}
</div>
</body></html>
`;
}
