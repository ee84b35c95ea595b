/**
 * Model signatures as MLflow writes them: `{ inputs, outputs }`, each a list (or the JSON text of a
 * list, as in an MLmodel file) of column specs `{ name?, type, shape? }`. A side may also be a JSON
 * Schema of one record, as @mlp/train writes: its properties are the columns.
 */
interface ColumnSpec {
  name?: string;
  type?: string;
  shape?: unknown;
}

function columns(value: unknown): ColumnSpec[] | undefined {
  const parsed = typeof value === 'string' ? safeJson(value) : value;
  if (Array.isArray(parsed)) return parsed as ColumnSpec[];
  const properties = (parsed as { properties?: unknown } | null)?.properties;
  if (typeof properties === 'object' && properties !== null && !Array.isArray(properties))
    return Object.entries(properties as Record<string, unknown>).map(([name, schema]) => ({ name, type: schemaType(schema) }));
  return undefined;
}

/** A property's type as text: its JSON Schema without the prose (description, examples, title). */
function schemaType(schema: unknown): string {
  return JSON.stringify(schema, (key, value) => (key === 'description' || key === 'examples' || key === 'title' ? undefined : value));
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const describe = (spec: ColumnSpec) => `${spec.name ?? '(unnamed)'}:${spec.type ?? '?'}${spec.shape ? JSON.stringify(spec.shape) : ''}`;

function sameColumns(side: string, candidate: ColumnSpec[], current: ColumnSpec[]): string | undefined {
  const key = (spec: ColumnSpec, index: number) => spec.name ?? `#${index}`;
  const currentByKey = new Map(current.map((spec, index) => [key(spec, index), spec]));
  const candidateByKey = new Map(candidate.map((spec, index) => [key(spec, index), spec]));
  for (const [name, spec] of currentByKey) {
    const other = candidateByKey.get(name);
    if (!other) return `${side} ${describe(spec)} is missing`;
    if (describe(other) !== describe(spec)) return `${side} ${describe(other)} differs from the current ${describe(spec)}`;
  }
  for (const [name, spec] of candidateByKey) if (!currentByKey.has(name)) return `${side} ${describe(spec)} is new`;
  return undefined;
}

/** Why a candidate signature cannot replace the current one, or undefined when it can. Text in, so stored JSON works as is. */
export function signatureIncompatibility(candidate: string | null, current: string | null): string | undefined {
  if (current === null) return undefined;
  if (candidate === null) return 'the candidate has no signature while the current holder has one';
  const a = safeJson(candidate) as Record<string, unknown> | undefined;
  const b = safeJson(current) as Record<string, unknown> | undefined;
  if (!a || typeof a !== 'object') return 'the candidate signature is not valid JSON';
  if (!b || typeof b !== 'object') return 'the current signature is not valid JSON';
  for (const side of ['inputs', 'outputs'] as const) {
    const mine = columns(a[side]);
    const theirs = columns(b[side]);
    if (!theirs) continue;
    if (!mine) return `the candidate signature has no ${side}`;
    const problem = sameColumns(side === 'inputs' ? 'input' : 'output', mine, theirs);
    if (problem) return problem;
  }
  return undefined;
}
