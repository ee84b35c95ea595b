/**
 * Whether `text` matches an SQL LIKE `pattern` (`%` any run, `_` one character), as PostgreSQL's
 * LIKE does without an escape character; ILIKE when `ignoreCase`.
 *
 * A greedy scan that backtracks only to the last `%`, so it takes at most O(text × pattern) steps.
 * A pattern turned into a RegExp (`%a%a%a%b` → `^.*a.*a.*a.*b$`) backtracks exponentially in the
 * number of `%` on a long value: one search request could hold the server's event loop for hours.
 */
export function likeMatches(text: string, pattern: string, ignoreCase = false): boolean {
  // Code points, so `_` matches one character even outside the Basic Multilingual Plane.
  const value = Array.from(ignoreCase ? text.toLowerCase() : text);
  const wanted = Array.from(ignoreCase ? pattern.toLowerCase() : pattern);
  let at = 0;
  let next = 0;
  let lastPercent = -1;
  let resumeAt = 0;
  while (at < value.length) {
    const token = wanted[next];
    if (token === '%') {
      lastPercent = next++;
      resumeAt = at;
    } else if (token !== undefined && (token === '_' || token === value[at])) {
      at++;
      next++;
    } else if (lastPercent >= 0) {
      // Let the last % take one more character, and match the rest of the pattern from there.
      next = lastPercent + 1;
      at = ++resumeAt;
    } else {
      return false;
    }
  }
  while (wanted[next] === '%') next++;
  return next === wanted.length;
}
