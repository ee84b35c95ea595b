import { textProblem } from '../text/text-problem.js';
import { invalidParameter } from './http-problem.js';

/** Where in the input the problem is, as MLflow names fields: `tags[1].value`. */
function fieldName(path: readonly (string | number)[]): string {
  return path.reduce<string>((text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${part}` : part), '');
}

function findProblem(value: unknown, path: (string | number)[]): string | undefined {
  if (typeof value === 'string') {
    const problem = textProblem(value);
    return problem && `Invalid value for parameter '${fieldName(path)}': it ${problem}.`;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = findProblem(value[i], [...path, i]);
      if (problem) return problem;
    }
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const keyProblem = textProblem(key);
      if (keyProblem) return `Invalid field name in '${fieldName(path) || 'the request'}': it ${keyProblem}.`;
      const problem = findProblem(item, [...path, key]);
      if (problem) return problem;
    }
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
