/** Keys whose values are the user's own maps or documents (run params, tags, an expectation's args, metric names, class labels), printed as given (docs/cli-json.md). */
export const freeformJsonKeys: readonly string[] = [
  'params',
  'metrics',
  'tags',
  'args',
  'meta',
  'details',
  'best_metrics',
  'probabilities',
];

export interface JsonConventionOptions {
  /** Keys whose values are not ours to shape (default `freeformJsonKeys`); their contents are not checked. */
  freeform?: readonly string[];
}

const snakeCase = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;
const timeKey = /(^|_)(at|time|timestamp)$|_ms$/;

/**
 * Where a `--json` document breaks the CLI's convention (docs/cli-json.md): every key snake_case, every
 * time (`*_at`, `*_time`, `timestamp`, `*_ms`) a number of epoch milliseconds (or a duration in ms) or
 * null. Returns one line per problem, with its path; empty when the document follows the convention.
 */
export function jsonConventionViolations(document: unknown, options: JsonConventionOptions = {}): string[] {
  const freeform = new Set(options.freeform ?? freeformJsonKeys);
  const problems: string[] = [];
  const visit = (value: unknown, at: string): void => {
    if (Array.isArray(value)) {
      for (const [index, item] of value.entries()) visit(item, `${at}[${index}]`);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    for (const [key, child] of Object.entries(value)) {
      const path = at === '' ? key : `${at}.${key}`;
      if (!snakeCase.test(key)) problems.push(`${path}: key is not snake_case`);
      // A list or object under a time-like name (`drift_over_time`) is not a time: its contents are checked.
      if (timeKey.test(key) && child !== null && typeof child !== 'number' && typeof child !== 'object')
        problems.push(`${path}: a time is epoch milliseconds (a number), not ${JSON.stringify(child)}`);
      if (!freeform.has(key)) visit(child, path);
    }
  };
  visit(document, '');
  return problems;
}
