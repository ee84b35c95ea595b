import type { FeatureEnrichment } from '../enrichment/feature-enrichment.js';
import type { ModelRepository } from './model-repository.js';
import type { PredictionSink } from './prediction-entry.js';

/** What the OIP routes get from the server. */
export interface ModelServerServices {
  repository: ModelRepository;
  /** The server's name and version for `GET /v2`, and whether it is shutting down (not ready). */
  server: { name: string; version: string; draining(): boolean };
  onPrediction?: PredictionSink | undefined;
  /** The deployment the server runs under, for the prediction log. */
  deployment?: string | undefined;
  /** The largest request body (inference requests read their own). */
  maxBodyBytes: number;
  /** Features from the online store merged into requests before scoring (`--features`). */
  enrichment?: FeatureEnrichment | undefined;
}
