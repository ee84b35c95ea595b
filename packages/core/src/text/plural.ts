/**
 * A count with its noun, singular for exactly one: `plural(1, 'file')` is "1 file", `plural(3, 'row')`
 * "3 rows", `plural(2, 'entry', 'entries')` "2 entries". Counts print with thousands separators.
 */
export function plural(count: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? noun : pluralNoun}`;
}
