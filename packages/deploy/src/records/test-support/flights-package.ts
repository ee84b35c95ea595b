import { tableFromRecords, trainModel, trainSpecSchema } from '@mlp/train';

const airports = ['SEA', 'SFO', 'LAX', 'ORD', 'JFK', 'ATL'];

/** Seeded flights-like records (date, distance, origin, late): late when a noisy score is high. */
export function flights(rows: number, seed: number): Record<string, unknown>[] {
  let state = seed;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  return Array.from({ length: rows }, () => {
    const distance = Math.round(100 + random() * 2500);
    const hour = Math.floor(random() * 24);
    const origin = airports[Math.floor(random() * airports.length)] as string;
    const score = distance / 2600 + (hour >= 17 ? 0.6 : 0) + (origin === 'ORD' ? 0.5 : 0) + (random() - 0.5) * 0.6;
    return { date: new Date(Date.UTC(2001, 2, 1 + Math.floor(random() * 28), hour, 5)).toISOString(), distance, origin, late: score > 0.9 };
  });
}

/** The input columns of the package `trainFlightsPackage` writes. */
export const flightsColumns = ['date', 'distance', 'origin'];

/** Trains a small logistic model on 400 flights rows (a second or two) and writes its package to `packageDir`. */
export async function trainFlightsPackage(packageDir: string): Promise<void> {
  const spec = trainSpecSchema.parse({
    experiment: 'invocations',
    data: 'in-memory',
    target: 'late',
    features: [
      { name: 'date', type: 'date', parts: ['hour'] },
      { name: 'distance', type: 'numeric', impute: 'median' },
      { name: 'origin', type: 'categorical' },
    ],
    model: { type: 'logistic' },
    epochs: 2,
    batchSize: 64,
    backend: 'cpu',
    seed: 3,
  });
  await trainModel(spec, { table: tableFromRecords(flights(400, 1), [...flightsColumns, 'late']), packageDir });
}
