import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** The model server's Prometheus metrics (names fixed: the deployment controller's analysis reads them). */
export interface ServerMetrics {
  readonly registry: Registry;
  readonly requests: Counter<'model' | 'version' | 'status'>;
  readonly duration: Histogram<'model' | 'version'>;
  readonly batchSize: Histogram<'model'>;
  readonly queueDepth: Gauge<'model'>;
  readonly inflight: Gauge;
  readonly predictionLogDropped: Counter;
}

/** A registry of the server's own (not prom-client's global one), so two servers in a process never share series. */
export function createServerMetrics(): ServerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    requests: new Counter({
      name: 'mlp_model_requests_total',
      help: 'Inference requests by model, version and HTTP status code',
      labelNames: ['model', 'version', 'status'] as const,
      registers,
    }),
    duration: new Histogram({
      name: 'mlp_model_request_duration_seconds',
      help: 'Inference request latency, from the first byte read to the last byte written',
      labelNames: ['model', 'version'] as const,
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    batchSize: new Histogram({
      name: 'mlp_model_batch_size',
      help: 'Rows per model run after dynamic batching',
      labelNames: ['model'] as const,
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024],
      registers,
    }),
    queueDepth: new Gauge({
      name: 'mlp_model_queue_depth',
      help: 'Requests waiting for a model run',
      labelNames: ['model'] as const,
      registers,
    }),
    inflight: new Gauge({ name: 'mlp_model_inflight_requests', help: 'HTTP requests being served', registers }),
    predictionLogDropped: new Counter({
      name: 'mlp_prediction_log_dropped_total',
      help: 'Predictions the prediction log dropped because its buffer was full',
      registers,
    }),
  };
}
