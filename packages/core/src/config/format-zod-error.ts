import type { z } from 'zod';

/** One line per problem, each naming the path in the input: `database.url: must be ...`. */
export function formatZodIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map(String).join('.') || '(root)';
      if (issue.code === 'unrecognized_keys') {
        const keys = issue.keys.map((key) => `"${key}"`).join(', ');
        return `${path}: unknown key${issue.keys.length > 1 ? 's' : ''} ${keys}`;
      }
      return `${path}: ${issue.message}`;
    })
    .join('; ');
}
