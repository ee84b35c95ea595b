import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openWorkspace, type Workspace } from '@mlp/core';
import { createTestDatabase } from '@mlp/core/testing';
import { createTracking, type Tracking } from '@mlp/tracking';
import { createRandom } from '../data/seeded-random.js';

export interface TrainFixture {
  dir: string;
  workspace: Workspace;
  tracking: Tracking;
  cleanup(): Promise<void>;
}

/** A workspace on a fresh PostgreSQL database with a temporary blob folder, and tracking on it. */
export async function openTrainFixture(): Promise<TrainFixture> {
  const dir = await mkdtemp(path.join(tmpdir(), 'mlp-train-'));
  const database = await createTestDatabase('mlp_train');
  const workspace = await openWorkspace({ dir, logLevel: 'warn', database: { url: database.url } });
  const tracking = createTracking(workspace, { handleSignals: false, captureProvenance: false });
  return {
    dir,
    workspace,
    tracking,
    async cleanup() {
      await tracking.close();
      await workspace.close();
      await database.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A learnable binary problem as CSV: late when a noisy score of distance, hour and airport is high.
 * Seeded, so every run of a test sees the same rows.
 */
export async function writeFlightsLikeCsv(file: string, rows: number, seed = 1): Promise<void> {
  const random = createRandom(seed);
  const airports = ['SEA', 'SFO', 'LAX', 'ORD', 'JFK', 'ATL'];
  const lines = ['date,distance,origin,late,delay'];
  for (let row = 0; row < rows; row += 1) {
    const distance = Math.round(100 + random() * 2500);
    const hour = Math.floor(random() * 24);
    const origin = airports[Math.floor(random() * airports.length)] as string;
    const score = distance / 2600 + (hour >= 17 ? 0.6 : 0) + (origin === 'ORD' ? 0.5 : 0) + (random() - 0.5) * 0.6;
    const date = new Date(Date.UTC(2001, Math.floor(random() * 6), 1 + Math.floor(random() * 28), hour, 5)).toISOString();
    const late = score > 0.9;
    lines.push(`${date},${distance},${origin},${late},${Math.round(score * 40 - 20)}`);
  }
  await writeFile(file, `${lines.join('\n')}\n`);
}
