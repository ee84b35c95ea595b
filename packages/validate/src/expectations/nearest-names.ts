/** Edit distance (insertions, deletions, substitutions), case-insensitive. */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + cost);
    }
    previous = current;
  }
  return previous[y.length] as number;
}

/** The words of a camelCase name, sorted: `expectColumnValuesToBeNotNull` and `…ToNotBeNull` share them. */
const sortedWords = (name: string) =>
  (name.match(/[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])/g) ?? [])
    .map((word) => word.toLowerCase())
    .sort()
    .join(' ');

/**
 * The `count` candidates closest to `name`, by edit distance of the names or of their sorted words (so
 * swapped words count as near); snake_case input (Great Expectations' spelling) is compared as camelCase.
 */
export function nearestNames(name: string, candidates: readonly string[], count = 3): string[] {
  const camel = name.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
  const words = sortedWords(camel);
  return [...candidates]
    .map((candidate) => ({
      candidate,
      distance: Math.min(editDistance(name, candidate), editDistance(camel, candidate), editDistance(words, sortedWords(candidate))),
    }))
    .sort((a, b) => a.distance - b.distance || a.candidate.localeCompare(b.candidate))
    .slice(0, count)
    .map((entry) => entry.candidate);
}
