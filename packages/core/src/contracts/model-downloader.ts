/**
 * Downloads a registered model version (`models:/flights@champion`) into a folder. Provided by
 * `@mlp/registry`, consumed by `mlp predict` in `@mlp/train`.
 */
export interface ModelDownloader {
  download(reference: string, outDir: string): Promise<{ version: { name: string; version: number } }>;
}
