import { describe, expect, it } from 'vitest';
import { defineSuite } from '../suite/suite-builder.js';
import { validate } from '../validate.js';
import { renderHtmlReport } from './html-report.js';

describe('renderHtmlReport', () => {
  it('puts the summary first and failed expectations first, with a chart per column, escaping user text', async () => {
    const rows = [
      { '<b>col</b>': 'x', city: '<script>alert(1)</script>' },
      { '<b>col</b>': 'y', city: 'Oslo' },
    ];
    const suite = defineSuite('suite "<one>"')
      .expect('expectColumnValuesToNotBeNull', { column: '<b>col</b>' })
      .expect('expectColumnValuesToBeInSet', { column: 'city', valueSet: ['Oslo'] })
      .warn('expectColumnValueLengthsToBeBetween', { column: 'city', maxValue: 5 });
    const html = renderHtmlReport(await validate(rows, suite));
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>col</b>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('suite &quot;&lt;one&gt;&quot;');
    expect(html.indexOf('class="stats"')).toBeLessThan(html.indexOf('<h2>Expectations'));
    const failed = html.indexOf('#1 <strong>expectColumnValuesToBeInSet');
    const warned = html.indexOf('#2 <strong>expectColumnValueLengthsToBeBetween');
    const passed = html.indexOf('#0 <strong>expectColumnValuesToNotBeNull');
    expect(failed).toBeGreaterThan(0);
    expect(failed).toBeLessThan(warned);
    expect(warned).toBeLessThan(passed);
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html).not.toMatch(/<link|src=/);
  });
});
