import { describe, expect, it } from 'vitest';
import type { RegistryContext } from '../store/registry-context.js';
import { resolveSource } from './resolve-source.js';

// `mlp models register deadbeef`: a word that reads as a run id must not be answered as a missing folder.
const context = {} as RegistryContext; // never reached: the source is refused by its form

describe('resolveSource', () => {
  it('says no run has a short hex id, rather than "No model package"', async () => {
    const attempt = resolveSource(context, { source: 'deadbeef', runId: undefined, remote: false });
    await expect(attempt).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/^No run has the id deadbeef/) });
    await expect(attempt).rejects.not.toMatchObject({ message: expect.stringContaining('No model package') });
  });
});

describe('resolveSource over REST', () => {
  it('answers a short hex word as any refused local path, so a caller cannot probe for server folders', async () => {
    const attempt = resolveSource({ sourceFolders: [] } as unknown as RegistryContext, {
      source: 'deadbeef',
      runId: undefined,
      remote: true,
    });
    await expect(attempt).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
  });
});
