import { MlpError } from '@mlp/core';

export type Comparison = '<' | '<=' | '>' | '>=';

/** What a condition measures over an analysis interval. */
export type Measure =
  /** Share of requests answered 5xx. */
  | { kind: 'error_rate' }
  /** Share of requests not answered 2xx/3xx (a model that refuses valid input answers 400). */
  | { kind: 'failure_rate' }
  | { kind: 'requests' }
  | { kind: 'latency'; quantile: number }
  /** A custom metric: its increase or per-second rate over the interval, or its value (summed over series) at the end. */
  | { kind: 'custom'; fn: 'increase' | 'rate' | 'value'; metric: string; labels: Record<string, string> };

export interface AnalysisCondition {
  /** As written, for history and messages. */
  text: string;
  measure: Measure;
  op: Comparison;
  threshold: number;
}

const conditionPattern = /^(.+?)\s*(<=|>=|<|>)\s*(-?\d+(?:\.\d+)?(?:e-?\d+)?)$/i;
const latencyPattern = /^p(\d+(?:\.\d+)?)_ms$/;
const customPattern = /^(?:(increase|rate)\()?([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})?(\))?$/;

function conditionProblem(text: string, why: string): MlpError {
  return new MlpError(
    'INVALID_ARGUMENT',
    `The analysis condition '${text}' ${why}: write conditions such as error_rate<0.01, failure_rate<0.05, p99_ms<50, requests>=20, increase(mlp_prediction_log_dropped_total)<1 or rate(metric{label="value"})<5.`,
  );
}

function parseLabels(text: string, condition: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const part of text.split(',')) {
    const trimmed = part.trim();
    if (trimmed === '') continue;
    const match = /^([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"([^"]*)"$/.exec(trimmed);
    if (!match) throw conditionProblem(condition, `has a label matcher '${trimmed}' that is not name="value"`);
    labels[match[1] as string] = match[2] as string;
  }
  return labels;
}

function parseMeasure(left: string, text: string): Measure {
  if (left === 'error_rate') return { kind: 'error_rate' };
  if (left === 'failure_rate') return { kind: 'failure_rate' };
  if (left === 'requests') return { kind: 'requests' };
  const latency = latencyPattern.exec(left);
  if (latency) {
    const percent = Number(latency[1]);
    if (!(percent > 0 && percent < 100)) throw conditionProblem(text, 'asks for a percentile outside 0–100');
    return { kind: 'latency', quantile: percent / 100 };
  }
  const custom = customPattern.exec(left);
  if (custom && Boolean(custom[1]) === Boolean(custom[4]))
    return {
      kind: 'custom',
      fn: (custom[1] as 'increase' | 'rate' | undefined) ?? 'value',
      metric: custom[2] as string,
      labels: parseLabels(custom[3] ?? '', text),
    };
  throw conditionProblem(text, `measures '${left}', which is not a known measure or metric`);
}

/** Splits `a<1,b{x="1",y="2"}<3` on the commas outside braces and quotes. */
function splitConditions(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === '{' || char === '(')) depth++;
    else if (!quoted && (char === '}' || char === ')')) depth--;
    else if (!quoted && depth === 0 && char === ',') {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((part) => part.trim()).filter((part) => part.length > 0);
}

/** Parses analysis conditions, each entry one or several separated by commas. */
export function parseAnalysisConditions(entries: readonly string[]): AnalysisCondition[] {
  return entries.flatMap(splitConditions).map((text) => {
    const match = conditionPattern.exec(text);
    if (!match) throw conditionProblem(text, 'is not MEASURE<NUMBER (or <=, >, >=)');
    return {
      text,
      measure: parseMeasure((match[1] as string).trim(), text),
      op: match[2] as Comparison,
      threshold: Number(match[3]),
    };
  });
}

export function compare(value: number, op: Comparison, threshold: number): boolean {
  switch (op) {
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
  }
}
