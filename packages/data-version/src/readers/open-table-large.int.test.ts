import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openTable } from './open-table.js';

// Reads all 3 million rows: seconds of work, so it runs with the integration tests, with a timeout
// derived from the rows (measured 390k rows/s on the shared 2-core machine; 50k rows/s allowed).
const ROWS = 3_000_000;
const flightsParquet = path.join(path.dirname(createRequire(import.meta.url).resolve('vega-datasets')), '..', 'data', 'flights-3m.parquet');

describe('openTable on the 3-million-row flights Parquet file', () => {
  it(
    'streams all 3 million rows in bounded memory',
    async () => {
      const table = await openTable(flightsParquet, { columns: ['delay'] });
      const before = process.memoryUsage().rss;
      let count = 0;
      let sum = 0;
      let peak = before;
      for await (const batch of table.batches()) {
        count += batch.length;
        for (const row of batch) sum += row.delay as number;
        if (count % 200_000 < batch.length) peak = Math.max(peak, process.memoryUsage().rss);
      }
      expect(count).toBe(ROWS);
      expect(Number.isFinite(sum)).toBe(true);
      // Holding 3 M rows as objects would take far more than 300 MB; streaming stays well below.
      expect(peak - before).toBeLessThan(300 * 1024 * 1024);
    },
    20_000 + (ROWS / 50_000) * 1000,
  );
});
