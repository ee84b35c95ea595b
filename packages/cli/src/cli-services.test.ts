import type { CliServices, DatasetCatalogService, ModelDownloader } from '@mlp/core';
import { describe, expectTypeOf, it } from 'vitest';
import type { CliCommandModule, CliContext } from './command-module.js';

declare module '@mlp/core' {
  interface CliServices {
    /** A service a package adds by declaration merging, as deploy or monitor will. */
    typeTestTargets: { names(): string[] };
  }
}

// Type-level: `npx nx run @mlp/cli:typecheck` fails if these stop holding; the runtime part is trivial.
describe('CLI services are typed by the CliServices map', () => {
  it('gives each name its declared type, without a cast', () => {
    const typed = (context: CliContext) => ({
      catalog: context.service('datasetCatalog'),
      registry: context.service('modelRegistry'),
      added: context.service('typeTestTargets'),
    });
    expectTypeOf<ReturnType<typeof typed>['catalog']>().toEqualTypeOf<Promise<DatasetCatalogService | undefined>>();
    expectTypeOf<ReturnType<typeof typed>['registry']>().toEqualTypeOf<Promise<ModelDownloader | undefined>>();
    expectTypeOf<ReturnType<typeof typed>['added']>().toEqualTypeOf<Promise<CliServices['typeTestTargets'] | undefined>>();
  });

  it('refuses an unknown name, and a provider whose factory builds the wrong thing', () => {
    const unknown = (context: CliContext) =>
      // @ts-expect-error no module declares a service named 'datasetCatalogue'
      context.service('datasetCatalogue');
    const wrong: CliCommandModule = {
      name: 'wrong',
      // @ts-expect-error a modelRegistry must download models
      services: { modelRegistry: async () => ({ upload: () => {} }) },
      register() {},
    };
    expectTypeOf(unknown).toBeFunction();
    expectTypeOf(wrong.name).toBeString();
  });
});
