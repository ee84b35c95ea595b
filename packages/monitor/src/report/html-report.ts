import type { DriftColumnData } from '../drift/column-data.js';
import type { ColumnDrift, DriftResult } from '../drift/detect-drift.js';
import { type ColumnDistribution, columnDistribution } from './column-distribution.js';

export interface DriftReportInput {
  result: DriftResult;
  /** Each side's column data, for the distributions; without them (a monitor's stored window) each column says why none is shown. */
  reference?: Readonly<Record<string, DriftColumnData>>;
  current?: Readonly<Record<string, DriftColumnData>>;
  /** Why the distributions are left out, when no column data is given. */
  distributionsNote?: string;
  /** Further facts shown above the drift table (a monitor window's rows, model quality, data quality), as label and text. */
  details?: readonly { label: string; value: string }[];
  /** How the two sides are named in the report (file names, dataset versions). */
  referenceName: string;
  currentName: string;
  /** Epoch ms the report shows as its time; default now. */
  generatedAt?: number;
}

function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function formatScore(value: number | null): string {
  if (value === null) return '–';
  if (value === 0 || Math.abs(value) >= 0.001) return value.toFixed(4);
  return value.toExponential(3);
}

const width = 720;
const height = 180;
const margin = { top: 10, right: 10, bottom: 46, left: 44 };

/** Grouped bars, reference and current per bin, as inline SVG (no script, no external asset). */
function barChart(distribution: ColumnDistribution): string {
  const n = distribution.labels.length;
  const top = Math.max(...distribution.reference, ...distribution.current, 1e-9);
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const slot = plotWidth / n;
  const bar = Math.max(1, slot * 0.4);
  const y = (share: number) => margin.top + plotHeight - (share / top) * plotHeight;
  const bars: string[] = [];
  for (let i = 0; i < n; i += 1) {
    const x = margin.left + i * slot + slot * 0.1;
    const ref = distribution.reference[i] as number;
    const cur = distribution.current[i] as number;
    const label = escapeHtml(distribution.labels[i]);
    bars.push(
      `<rect class="ref" x="${x.toFixed(1)}" y="${y(ref).toFixed(1)}" width="${bar.toFixed(1)}" height="${(margin.top + plotHeight - y(ref)).toFixed(1)}"><title>${label}: reference ${(ref * 100).toFixed(2)}%</title></rect>`,
      `<rect class="cur" x="${(x + bar).toFixed(1)}" y="${y(cur).toFixed(1)}" width="${bar.toFixed(1)}" height="${(margin.top + plotHeight - y(cur)).toFixed(1)}"><title>${label}: current ${(cur * 100).toFixed(2)}%</title></rect>`,
    );
    if (n <= 24 || i % Math.ceil(n / 24) === 0) {
      const lx = margin.left + i * slot + slot / 2;
      bars.push(
        `<text x="${lx.toFixed(1)}" y="${height - margin.bottom + 12}" transform="rotate(35 ${lx.toFixed(1)} ${height - margin.bottom + 12})">${label.length > 16 ? `${label.slice(0, 15)}…` : label}</text>`,
      );
    }
  }
  const axis = `<line x1="${margin.left}" y1="${margin.top + plotHeight}" x2="${width - margin.right}" y2="${margin.top + plotHeight}" class="axis"/><text x="${margin.left - 4}" y="${margin.top + 8}" class="tick">${(top * 100).toFixed(1)}%</text><text x="${margin.left - 4}" y="${margin.top + plotHeight}" class="tick">0%</text>`;
  return `<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img">${axis}${bars.join('')}</svg>`;
}

function row(column: ColumnDrift): string {
  const verdict = column.test === null ? 'not tested' : column.drifted ? 'drift' : 'no drift';
  const css = column.test === null ? 'skip' : column.drifted ? 'bad' : 'ok';
  return `<tr class="${css}"><td><a href="#col-${escapeHtml(column.column)}">${escapeHtml(column.column)}</a></td><td>${escapeHtml(column.kind ?? '–')}</td><td>${escapeHtml(column.test ?? '–')}</td><td class="num">${formatScore(column.score)}</td><td class="num">${column.threshold ?? '–'}</td><td>${verdict}${column.problem ? `: ${escapeHtml(column.problem)}` : ''}</td><td class="num">${column.reference.count} / ${column.reference.nulls}</td><td class="num">${column.current.count} / ${column.current.nulls}</td></tr>`;
}

function section(column: ColumnDrift, input: DriftReportInput): string {
  const ref = input.reference?.[column.column];
  const cur = input.current?.[column.column];
  const chart =
    column.test !== null && ref && cur && ref.kind === cur.kind
      ? barChart(columnDistribution(ref, cur))
      : `<p class="note">${escapeHtml(column.test === null ? (column.problem ?? 'not tested') : (input.distributionsNote ?? 'no column data'))}</p>`;
  const verdict =
    column.test === null
      ? ''
      : ` — ${escapeHtml(column.test)} ${formatScore(column.score)} (threshold ${column.threshold}): ${column.drifted ? 'drift' : 'no drift'}`;
  return `<section id="col-${escapeHtml(column.column)}"><h3>${escapeHtml(column.column)}${verdict}</h3>${chart}</section>`;
}

const style = `body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}td,th{padding:4px 10px;border-bottom:1px solid #ddd;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}tr.bad td{background:#fde8e8}tr.skip td{color:#777}.verdict{font-size:1.3em;padding:.5em 1em;display:inline-block;border-radius:4px}
.verdict.bad{background:#fbd5d5}.verdict.ok{background:#d9f2e0}rect.ref{fill:#7f8fa6}rect.cur{fill:#e1703c}svg text{font-size:10px;fill:#444}.tick{text-anchor:end}line.axis{stroke:#888}
.legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:middle}.note{color:#777}section{margin-top:1.5em}`;

/** A self-contained HTML drift report: the verdict, the drift table, and both distributions per column. */
export function renderDriftReport(input: DriftReportInput): string {
  const { result } = input;
  const at = new Date(input.generatedAt ?? Date.now()).toISOString();
  const verdict = result.datasetDrift ? 'Dataset drift detected' : 'No dataset drift';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Drift: ${escapeHtml(input.currentName)} against ${escapeHtml(input.referenceName)}</title><style>${style}</style></head>
<body><h1>Data drift</h1>
<p>Reference <b>${escapeHtml(input.referenceName)}</b>, current <b>${escapeHtml(input.currentName)}</b>, ${escapeHtml(at)}.</p>
<p class="verdict ${result.datasetDrift ? 'bad' : 'ok'}">${verdict}: ${result.driftedColumns} of ${result.testedColumns} tested columns drifted (${(result.driftShare * 100).toFixed(1)}%; the dataset drifts at ${(result.driftShareThreshold * 100).toFixed(0)}%).</p>
${input.details?.length ? `<table class="details"><tbody>${input.details.map((detail) => `<tr><th>${escapeHtml(detail.label)}</th><td>${escapeHtml(detail.value)}</td></tr>`).join('')}</tbody></table>` : ''}
<h2>Columns</h2>
<table><thead><tr><th>column</th><th>kind</th><th>test</th><th>score</th><th>threshold</th><th>verdict</th><th>reference values / nulls</th><th>current values / nulls</th></tr></thead>
<tbody>${result.columns.map(row).join('\n')}</tbody></table>
<h2>Distributions</h2><p class="legend"><span style="background:#7f8fa6"></span>reference<span style="background:#e1703c"></span>current</p>
${result.columns.map((column) => section(column, input)).join('\n')}
</body></html>
`;
}
