import { MlpError } from '@mlp/core';
import type { ExecutorPlugin } from '../executor.js';

export const localExecutorPlugin: ExecutorPlugin = {
  name: 'local',
  async open() {
    throw new MlpError('INTERNAL', 'not yet');
  },
};
