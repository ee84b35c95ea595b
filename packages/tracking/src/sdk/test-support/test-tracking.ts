import { type BlobStore, createMemoryBlobStore, createSilentLogger, MlpError } from '@mlp/core';
import { createTracking, type Tracking, type TrackingWorkspace } from '../create-tracking.js';
import type { TrackingOptions } from '../tracking-options.js';
import { createMemoryTrackingStore, type MemoryTrackingStore } from './memory-tracking-store.js';

export interface TestTracking {
  tracking: Tracking;
  store: MemoryTrackingStore;
  blobs: BlobStore;
}

/** A workspace without a database: the SDK must use the store it is given. */
export function createTestWorkspace(blobs: BlobStore = createMemoryBlobStore()): TrackingWorkspace {
  const noDatabase = () => {
    throw new MlpError('INTERNAL', 'Unit tests pass a store; the SDK must not open the SQL store.');
  };
  return {
    blobs,
    logger: createSilentLogger(),
    db: new Proxy({}, { get: noDatabase }) as TrackingWorkspace['db'],
    migrate: async () => noDatabase(),
  };
}

/** The SDK on an in-memory store and blob store, without provenance or signal handlers unless asked. */
export function createTestTracking(options: TrackingOptions = {}): TestTracking {
  const store = createMemoryTrackingStore();
  const blobs = createMemoryBlobStore();
  const tracking = createTracking(createTestWorkspace(blobs), {
    captureProvenance: false,
    handleSignals: false,
    env: {},
    store,
    ...options,
  });
  return { tracking, store, blobs };
}
