import { createSilentLogger } from '../../logger/logger.js';
import { runDatabaseEngineContract } from '../../testing/database-engine-contract.js';
import { createTempDir } from '../../testing/temp-dir.js';
import { embeddedEngine } from './embedded-engine.js';

runDatabaseEngineContract('embedded', async () => {
  const dir = await createTempDir('mlp-embedded-contract-');
  return {
    open: () => embeddedEngine.open({ url: 'embedded', stateDir: dir.path, logger: createSilentLogger() }),
    cleanup: () => dir.remove(),
  };
});
