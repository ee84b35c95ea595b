import { MlpError } from '@mlp/core';

/** The MlpError that `action` throws; anything else thrown, or nothing, fails the test. */
export function thrown(action: () => unknown): MlpError {
  try {
    action();
  } catch (error) {
    if (MlpError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected an MlpError');
}
