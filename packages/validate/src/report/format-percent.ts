/** A percentage for people: `0%`, `<0.01%` for a tiny non-zero share (never a misleading 0.00%), else two decimals. */
export function formatPercent(percent: number | null | undefined): string {
  if (percent === null || percent === undefined) return '–';
  if (percent === 0) return '0%';
  if (percent < 0.01) return '<0.01%';
  if (percent > 99.99 && percent < 100) return '>99.99%';
  return `${Number(percent.toFixed(2))}%`;
}
