/** The sections' paths in the UI API's OpenAPI document; each exists when its package is served (see `/ui/pages`). */
const error = { $ref: '#/components/responses/Error' };
const path = (name: string, description: string) => ({ name, in: 'path', required: true, schema: { type: 'string' }, description });
const query = (name: string, type: string, description: string) => ({ name, in: 'query', required: false, schema: { type }, description });
const answer = (description: string, properties: Record<string, unknown>) => ({
  200: { description, content: { 'application/json': { schema: { type: 'object', properties } } } },
  400: error,
  401: error,
  404: error,
});
/** Write routes: a token with write scope; 403 for a read-only one. */
const written = (description: string, properties: Record<string, unknown>) => ({ ...answer(description, properties), 403: error });
const body = (properties: Record<string, unknown>, required: string[]) => ({
  required: true,
  content: { 'application/json': { schema: { type: 'object', properties, required } } },
});
const list = { type: 'array' };
const obj = { type: 'object' };

export const sectionPaths = {
  '/ui/datasets': {
    get: { summary: 'Datasets with their newest version (@mlp/data-version)', responses: answer('datasets', { datasets: list }) },
  },
  '/ui/datasets/{name}': {
    get: {
      summary: 'A dataset and its versions, newest first, with schema summaries',
      parameters: [path('name', 'dataset name')],
      responses: answer('dataset', { dataset: obj, versions: list }),
    },
  },
  '/ui/dataset-versions/{ref}': {
    get: {
      summary: 'A dataset version: schema, the runs that used it, its validation results (null without @mlp/validate)',
      parameters: [path('ref', 'name@version, percent-encoded: flights%402')],
      responses: answer('version', { version: obj, runs: list, validations: { type: ['array', 'null'] } }),
    },
  },
  '/ui/validations': {
    get: {
      summary: 'Stored validation results, newest first: those of a run or of a dataset version (@mlp/validate)',
      parameters: [
        query('run_id', 'string', 'the run the validation was recorded with'),
        query('dataset_version', 'string', 'name@version'),
        query('limit', 'integer', 'at most this many (default 100, at most 1000)'),
      ],
      responses: answer('validations', { validations: list }),
    },
  },
  '/ui/validations/{validation_id}/report': {
    get: {
      summary: "A validation's HTML report as text (the UI shows it in a sandboxed iframe)",
      parameters: [path('validation_id', 'validation id')],
      responses: answer('report', { validation_id: { type: 'string' }, html: { type: 'string' } }),
    },
  },
  '/ui/models': { get: { summary: 'Registered models with their aliases', responses: answer('models', { models: list }) } },
  '/ui/models/{name}': {
    get: {
      summary: 'A model: versions, gates, and the audit log (promotions carry their gate outcomes)',
      parameters: [path('name', 'model name')],
      responses: answer('model', { model: obj, versions: list, gates: list, history: list }),
    },
  },
  '/ui/models/{name}/versions/{version}/gates': {
    get: {
      summary: 'The gates guarding an alias, judged for a version without moving anything',
      parameters: [path('name', 'model name'), path('version', 'version number'), { ...query('alias', 'string', 'alias'), required: true }],
      responses: answer('outcomes', { alias: { type: 'string' }, outcomes: list }),
    },
  },
  '/ui/models/{name}/promote': {
    post: {
      summary: 'Promote a version to an alias through its gates (write scope; blocked gates answer 400 with their messages)',
      parameters: [path('name', 'model name')],
      requestBody: body(
        { version: { type: 'string' }, alias: { type: 'string' }, reason: { type: 'string' }, force: { type: 'boolean' } },
        ['version', 'alias'],
      ),
      responses: written('decision', { outcome: { type: 'string' }, previous_version: { type: ['integer', 'null'] }, gates: list }),
    },
  },
  '/ui/models/{name}/aliases': {
    post: {
      summary: 'Point an alias at a version (write scope; an alias guarded by gates needs promote)',
      parameters: [path('name', 'model name')],
      requestBody: body({ version: { type: 'string' }, alias: { type: 'string' } }, ['version', 'alias']),
      responses: written('alias', { name: { type: 'string' }, alias: { type: 'string' }, version: { type: 'integer' } }),
    },
  },
  '/ui/lineage': {
    get: {
      summary: 'The lineage graph of a model or a dataset version: dataset version → run → model version → deployment',
      parameters: [query('model', 'string', 'registered model name'), query('dataset', 'string', 'dataset version such as flights@3')],
      responses: answer('graph', { nodes: list, edges: list }),
    },
  },
  '/ui/pipelines': {
    get: {
      summary: 'Recorded pipelines and the latest 100 runs (@mlp/orchestrate)',
      responses: answer('pipelines', { pipelines: list, runs: list }),
    },
  },
  '/ui/pipeline-runs/{run_id}': {
    get: {
      summary: "A pipeline run with its tasks' states and the pipeline's step graph",
      parameters: [path('run_id', 'pipeline run id')],
      responses: answer('run', { run: obj, steps: list }),
    },
  },
  '/ui/pipeline-runs/{run_id}/logs': {
    get: {
      summary: "A run's stored log lines (of one step with task), after after_id to follow",
      parameters: [
        path('run_id', 'pipeline run id'),
        query('task', 'string', 'step name or task id'),
        query('after_id', 'integer', 'last line id seen'),
      ],
      responses: answer('lines', { lines: list }),
    },
  },
  '/ui/deployments': {
    get: { summary: 'Deployments with their revisions and traffic (@mlp/deploy)', responses: answer('deployments', { deployments: list }) },
  },
  '/ui/deployments/{name}': {
    get: {
      summary: 'A deployment: revisions (traffic split, rollout step) and its rollout history',
      parameters: [path('name', 'deployment name')],
      responses: answer('deployment', { deployment: obj, history: list }),
    },
  },
  '/ui/deployments/{name}/rollback': {
    post: {
      summary: 'Roll back by hand, as mlp deploy rollback (write scope)',
      parameters: [path('name', 'deployment name')],
      requestBody: body({ to_revision: { type: 'integer' }, reason: { type: 'string' } }, []),
      responses: written('deployment', { deployment: obj }),
    },
  },
  '/ui/monitors': { get: { summary: 'The stored monitors (@mlp/monitor)', responses: answer('monitors', { monitors: list }) } },
  '/ui/monitors/{name}/drift': {
    get: {
      summary: "A monitor's drift over time: per window the drifted share and each column's test, score and threshold, oldest first",
      parameters: [path('name', 'monitor name'), query('limit', 'integer', 'the latest windows, at most 5000')],
      responses: answer('points', { monitor: { type: 'string' }, points: list }),
    },
  },
  '/ui/alerts': {
    get: {
      summary: "The monitors' alerts, newest first (@mlp/monitor)",
      parameters: [
        query('monitor', 'string', 'one monitor'),
        query('open', 'boolean', 'pending and firing only'),
        query('limit', 'integer', 'at most 5000'),
      ],
      responses: answer('alerts', { alerts: list }),
    },
  },
} as const;
