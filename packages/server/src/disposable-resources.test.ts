import type { Database, MonitorSchedulingHandle, Workspace } from '@mlp/core';
import type { TabularDb } from '@mlp/core/tabular';
import type { LocalDeployment, TrafficRouter } from '@mlp/deploy';
import type { FeatureService } from '@mlp/features/server';
import type { Registry } from '@mlp/registry';
import type { MlpServer } from '@mlp/server';
import { describe, expectTypeOf, it } from 'vitest';

// The lifecycle rule (docs/ARCHITECTURE.md): whatever holds resources has close() and
// [Symbol.asyncDispose]. Checked by the type checker (npm run typecheck, which covers tests): a holder
// without it fails to compile.
describe('resource holders', () => {
  it('are AsyncDisposable', () => {
    expectTypeOf<Workspace>().toExtend<AsyncDisposable>();
    expectTypeOf<Database>().toExtend<AsyncDisposable>();
    expectTypeOf<TabularDb>().toExtend<AsyncDisposable>();
    expectTypeOf<MonitorSchedulingHandle>().toExtend<AsyncDisposable>();
    expectTypeOf<Registry>().toExtend<AsyncDisposable>();
    expectTypeOf<MlpServer>().toExtend<AsyncDisposable>();
    expectTypeOf<LocalDeployment>().toExtend<AsyncDisposable>();
    expectTypeOf<TrafficRouter>().toExtend<AsyncDisposable>();
    expectTypeOf<FeatureService>().toExtend<AsyncDisposable>();
  });
});
