/**
 * Downloads a registered model version (`models:/flights@champion`) into a folder. Provided by
 * `@mlp/registry`, consumed by `mlp predict` in `@mlp/train` and `@mlp/monitor` (a deployed version's training data).
 */
export interface ModelDownloader {
  download(reference: string, outDir: string): Promise<{ version: { name: string; version: number } }>;
  /** The version a reference names now, with the run that produced it (null for a package registered from a folder). */
  resolve(reference: string): Promise<{ name: string; version: number; runId: string | null }>;
}
