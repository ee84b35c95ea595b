/**
 * A local file holding a dataset version's bytes. Provided by `@mlp/data-version`'s catalog, consumed by
 * `@mlp/train` (a spec whose `data` is `flights@3`).
 */
export interface DatasetResolver {
  resolve(ref: string): Promise<{ path: string; version: { ref: string; rootHash: string } }>;
}
