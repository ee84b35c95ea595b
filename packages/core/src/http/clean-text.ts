import { textProblem } from '../text/text-problem.js';
import { invalidParameter } from './http-problem.js';

/** Where in the input the problem is, as MLflow names fields: `tags[1].value`. */
function fieldName(path: readonly (string | number)[]): string {
  return path.reduce<string>((text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${part}` : part), '');
}

/**
 * The first problem in `value`, found without allocating per element (a tensor of a million numbers
 * is walked as fast as a loop): `path` is a stack pushed and popped on the way down, and is turned
 * into a name only when there is a problem.
 */
function findProblem(value: unknown, path: (string | number)[]): string | undefined {
  if (typeof value === 'string') {
    const problem = textProblem(value);
    return problem && `Invalid value for parameter '${fieldName(path)}': it ${problem}.`;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      // Numbers, booleans and null hold no text: the common case of a long array.
      if (typeof item !== 'string' && (typeof item !== 'object' || item === null)) continue;
      path.push(i);
      const problem = findProblem(item, path);
      path.pop();
      if (problem) return problem;
    }
    return undefined;
  }
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const keyProblem = textProblem(key);
    if (keyProblem) return `Invalid field name in '${fieldName(path) || 'the request'}': it ${keyProblem}.`;
    path.push(key);
    const problem = findProblem((value as Record<string, unknown>)[key], path);
    path.pop();
    if (problem) return problem;
  }
  return undefined;
}

/**
 * Refuses a request whose strings hold NUL (PostgreSQL cannot store it) or lone surrogates (not
 * Unicode; stored they would silently become U+FFFD), in any field of any route: the same rule the
 * SDKs apply (`textProblem`). The input is depth-checked already, so recursion is bounded.
 */
export function assertCleanText(input: unknown): void {
  const problem = findProblem(input, []);
  if (problem) throw invalidParameter(problem);
}
