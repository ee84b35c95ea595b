import { runEngineContract } from '../testing/engine-contract.js';
import { createInMemoryEngine } from './in-memory-engine.js';
import { createTable } from './in-memory-table.js';

runEngineContract('in-memory', async () => ({
  async engine(table) {
    return createInMemoryEngine(createTable(table));
  },
}));
