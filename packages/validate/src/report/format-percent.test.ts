import { expect, it } from 'vitest';
import { formatPercent } from './format-percent.js';

it('formats percentages without hiding a tiny failure as 0.00%', () => {
  expect([null, 0, 0.004, 0.019, 12.345, 99.995, 100].map(formatPercent)).toEqual([
    '–',
    '0%',
    '<0.01%',
    '0.02%',
    '12.35%',
    '>99.99%',
    '100%',
  ]);
});
