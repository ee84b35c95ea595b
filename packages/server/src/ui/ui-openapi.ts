/** The UI API's OpenAPI 3.1 document, served at `/api/ui/openapi.json`. */
import { sectionPaths } from './sections/sections-openapi.js';

const idParam = (name: string, description: string) => ({ name, in: 'path', required: true, schema: { type: 'string' }, description });
const queryParam = (name: string, type: string, description: string) => ({
  name,
  in: 'query',
  required: false,
  schema: { type },
  description,
});
const ok = (description: string, properties: Record<string, unknown>) => ({
  200: { description, content: { 'application/json': { schema: { type: 'object', properties } } } },
  400: { $ref: '#/components/responses/Error' },
  401: { $ref: '#/components/responses/Error' },
  404: { $ref: '#/components/responses/Error' },
});

const run = {
  type: 'object',
  properties: {
    run_id: { type: 'string' },
    name: { type: 'string' },
    experiment_id: { type: 'string' },
    status: { type: 'string' },
    start_time: { type: 'integer', description: 'epoch ms' },
    end_time: { type: ['integer', 'null'] },
    params: { type: 'object', additionalProperties: { type: 'string' } },
    metrics: {
      type: 'object',
      additionalProperties: { type: ['number', 'string'] },
      description: 'latest value per key; NaN and ±Infinity as text',
    },
    tags: { type: 'object', additionalProperties: { type: 'string' } },
  },
};

export const uiOpenApi = {
  openapi: '3.1.0',
  info: {
    title: 'mlp web UI API',
    version: '1',
    description: 'What the web UI reads. Bearer tokens as for the MLflow routes: read scope.',
  },
  servers: [{ url: '/api' }],
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    schemas: {
      Run: run,
      History: {
        type: 'object',
        properties: {
          run_id: { type: 'string' },
          key: { type: 'string' },
          x_axis: { type: 'string' },
          total_points: { type: 'integer', description: 'points in the whole history' },
          x: { type: 'array', items: { type: 'number' } },
          y: { type: 'array', items: { type: ['number', 'string'] }, description: 'NaN and ±Infinity as text' },
        },
      },
    },
    responses: {
      Error: {
        description: 'MLflow error body',
        content: {
          'application/json': { schema: { type: 'object', properties: { error_code: { type: 'string' }, message: { type: 'string' } } } },
        },
      },
    },
  },
  security: [{ bearer: [] }],
  paths: {
    '/ui/pages': { get: { summary: 'The pages the installed packages offer', responses: ok('pages', { pages: { type: 'array' } }) } },
    '/ui/experiments': { get: { summary: 'Every active experiment', responses: ok('experiments', { experiments: { type: 'array' } }) } },
    '/ui/experiments/{experiment_id}': {
      get: {
        summary: 'One experiment',
        parameters: [idParam('experiment_id', 'experiment id')],
        responses: ok('experiment', { experiment: { type: 'object' } }),
      },
    },
    '/ui/experiments/{experiment_id}/runs': {
      get: {
        summary: "An experiment's runs for the runs table",
        parameters: [
          idParam('experiment_id', 'experiment id'),
          queryParam(
            'filter',
            'string',
            "MLflow search syntax: metrics.rmse < 1 and params.lr = '0.1'; a syntax error is a 400 with the parser's message",
          ),
          queryParam('order_by', 'string', 'MLflow order_by: metrics.rmse DESC'),
          queryParam('max_results', 'integer', 'runs in this page: 1 to 5,000; 1,000 by default'),
          queryParam('page_token', 'string', 'next_page_token of the previous page'),
        ],
        responses: ok('a page of runs', {
          runs: { type: 'array', items: { $ref: '#/components/schemas/Run' } },
          next_page_token: { type: ['string', 'null'], description: 'null on the last page' },
          total: { type: ['integer', 'null'], description: 'runs matching in all pages' },
        }),
      },
    },
    '/ui/runs': {
      get: {
        summary: 'Many runs by id (1 to 1000 run_id values)',
        parameters: [
          {
            name: 'run_id',
            in: 'query',
            required: true,
            schema: { type: 'array', items: { type: 'string' } },
            style: 'form',
            explode: true,
          },
        ],
        responses: ok('runs', { runs: { type: 'array', items: { $ref: '#/components/schemas/Run' } } }),
      },
    },
    '/ui/metric-histories': {
      get: {
        summary: 'Many runs × metrics in one request, each history reduced as /ui/runs/{run_id}/metrics/{key}; run-major order',
        parameters: [
          {
            name: 'run_id',
            in: 'query',
            required: true,
            schema: { type: 'array', items: { type: 'string' } },
            style: 'form',
            explode: true,
          },
          {
            name: 'key',
            in: 'query',
            required: true,
            schema: { type: 'array', items: { type: 'string' } },
            style: 'form',
            explode: true,
            description: 'metric keys; at most 5,000 run × key pairs in all',
          },
          queryParam('width', 'integer', 'buckets per history (10 to 4000; 1000 by default), about the chart width in pixels'),
          queryParam('x', 'string', 'step (default) or time: the order of the points sent'),
          queryParam(
            'min_bucket_steps',
            'integer',
            'fewer buckets for a history when a bucket would cover fewer steps than this (64: whole rollup blocks of a dense series, read without its points)',
          ),
        ],
        responses: ok('histories', { histories: { type: 'array', items: { $ref: '#/components/schemas/History' } } }),
      },
    },
    '/ui/runs/{run_id}': {
      get: {
        summary: 'One run with inputs',
        parameters: [idParam('run_id', 'run id')],
        responses: ok('run', { run: { $ref: '#/components/schemas/Run' } }),
      },
    },
    '/ui/runs/{run_id}/metrics/{key}': {
      get: {
        summary:
          "A metric's history reduced in the database: the step range cut into at most `width` buckets of a round number of steps aligned on step 0 (at least about 4/5 as many), each bucket's first, last, smallest and largest point kept (and its first NaN or ±Infinity), long histories merged from the store's rollup; histories of at most 4 × width points come back whole",
        parameters: [
          idParam('run_id', 'run id'),
          idParam('key', 'metric key'),
          queryParam('width', 'integer', 'chart width in pixels (10 to 4000; 1000 by default); at most 5 points a bucket come back'),
          queryParam('x', 'string', 'step (default) or time'),
        ],
        responses: ok('series', {
          key: { type: 'string' },
          x_axis: { type: 'string' },
          total_points: { type: 'integer' },
          x: { type: 'array', items: { type: 'number' } },
          y: { type: 'array', items: { type: ['number', 'string'] } },
        }),
      },
    },
    '/ui/runs/{run_id}/artifacts': {
      get: {
        summary: "A folder of a run's artifacts",
        parameters: [idParam('run_id', 'run id'), queryParam('path', 'string', 'folder relative to the run root')],
        responses: ok('files', { files: { type: 'array' } }),
      },
    },
    '/ui/runs/{run_id}/artifact/{path}': {
      get: {
        summary: "One artifact's bytes (served as a download; HTML and SVG as bytes, never rendered in the server's origin)",
        parameters: [idParam('run_id', 'run id'), idParam('path', 'artifact path, percent-encoded per segment')],
        responses: { 200: { description: 'the bytes' }, 404: { $ref: '#/components/responses/Error' } },
      },
    },
    ...sectionPaths,
  },
} as const;
