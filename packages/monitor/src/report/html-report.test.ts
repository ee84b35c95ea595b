import { describe, expect, it } from 'vitest';
import { categoricalColumnOf, numericColumnOf } from '../drift/column-data.js';
import { detectDrift } from '../drift/detect-drift.js';
import { columnDistribution } from './column-distribution.js';
import { renderDriftReport } from './html-report.js';

describe('the HTML drift report', () => {
  const reference = {
    'amount <b>': numericColumnOf(Array.from({ length: 400 }, (_, i) => i % 97)),
    city: categoricalColumnOf(Array.from({ length: 400 }, (_, i) => `c${i % 30}`)),
  };
  const current = {
    'amount <b>': numericColumnOf(Array.from({ length: 300 }, (_, i) => (i % 97) + 40)),
    city: categoricalColumnOf(Array.from({ length: 300 }, (_, i) => `c${i % 30}`)),
    gone: numericColumnOf([1]),
  };

  it('shows the verdict, every column (untested ones with the reason), and escapes names', () => {
    const result = detectDrift(reference, current);
    const html = renderDriftReport({
      result,
      reference,
      current,
      referenceName: 'train.csv',
      currentName: 'today <1>.csv',
      generatedAt: 0,
    });
    expect(html).toContain('Dataset drift detected: 1 of 2 tested columns drifted (50.0%; the dataset drifts at 50%)');
    expect(html).toContain('amount &#60;b&#62;');
    expect(html).not.toContain('amount <b>');
    expect(html).toContain('today &#60;1&#62;.csv');
    expect(html).toContain('missing from the reference');
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html).toContain('1970-01-01T00:00:00.000Z');
  });

  it('renders a stored window without column data: the drift table, the details, and why no distribution is shown', () => {
    const html = renderDriftReport({
      result: detectDrift(reference, current),
      referenceName: 'flights@1',
      currentName: 'flights@latest',
      distributionsNote: 'distributions are not stored',
      details: [{ label: 'model quality <binary>', value: 'accuracy 0.5' }],
    });
    expect(html).toContain('<th>model quality &#60;binary&#62;</th><td>accuracy 0.5</td>');
    expect(html.match(/distributions are not stored/g)).toHaveLength(2); // each tested column
    expect(html).not.toContain('<svg ');
  });

  it('bins numbers as the tests do and keeps the 20 most frequent categories', () => {
    const numbers = columnDistribution(reference['amount <b>'], current['amount <b>']);
    expect(numbers.labels).toHaveLength(11); // Sturges on 700 values
    expect(numbers.reference.reduce((sum, share) => sum + share, 0)).toBeCloseTo(1, 12);
    const cities = columnDistribution(reference.city, current.city);
    expect(cities.labels).toHaveLength(21);
    expect(cities.labels[20]).toBe('other (10)');
    expect(cities.current.reduce((sum, share) => sum + share, 0)).toBeCloseTo(1, 12);
  });
});
