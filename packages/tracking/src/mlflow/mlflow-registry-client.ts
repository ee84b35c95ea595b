import type { TrackingPage } from '../model.js';
import { createMlflowHttpClient, type MlflowHttpOptions } from './mlflow-http-client.js';

/**
 * MLflow's model-registry REST calls (`model_registry.proto`), for any MLflow tracking server or
 * `mlp server`: the registry half of the MLflow client, beside `createMlflowTrackingStore`.
 */
export interface MlflowRegistryClient {
  createRegisteredModel(name: string, options?: { description?: string; tags?: Record<string, string> }): Promise<RegisteredModelInfo>;
  getRegisteredModel(name: string): Promise<RegisteredModelInfo>;
  updateRegisteredModel(name: string, description: string): Promise<RegisteredModelInfo>;
  searchRegisteredModels(options?: RegistrySearch): Promise<TrackingPage<RegisteredModelInfo>>;
  deleteRegisteredModel(name: string): Promise<void>;
  /** Registers `source` (such as `runs:/<run id>/model`) as the model's next version. */
  createModelVersion(input: CreateModelVersionInput): Promise<ModelVersionInfo>;
  getModelVersion(name: string, version: string | number): Promise<ModelVersionInfo>;
  searchModelVersions(options?: RegistrySearch): Promise<TrackingPage<ModelVersionInfo>>;
  deleteModelVersion(name: string, version: string | number): Promise<void>;
  setAlias(name: string, alias: string, version: string | number): Promise<void>;
  deleteAlias(name: string, alias: string): Promise<void>;
  getModelVersionByAlias(name: string, alias: string): Promise<ModelVersionInfo>;
  /** Where the version's files can be downloaded from (an `mlflow-artifacts:` URI on a proxying server). */
  getDownloadUri(name: string, version: string | number): Promise<string>;
}

export interface RegistrySearch {
  /** MLflow's registry filter, e.g. `name LIKE 'churn%'` or `name = 'churn'`. */
  filter?: string;
  maxResults?: number;
  pageToken?: string;
}

export interface CreateModelVersionInput {
  name: string;
  source: string;
  runId?: string;
  description?: string;
  tags?: Record<string, string>;
}

export interface RegisteredModelInfo {
  name: string;
  description: string;
  creationTimestamp: number;
  lastUpdatedTimestamp: number;
  tags: Record<string, string>;
  /** Alias → version. */
  aliases: Record<string, string>;
}

export interface ModelVersionInfo {
  name: string;
  version: string;
  source: string;
  runId: string;
  /** `PENDING_REGISTRATION`, `READY` or `FAILED_REGISTRATION`. */
  status: string;
  description: string;
  creationTimestamp: number;
  tags: Record<string, string>;
  aliases: string[];
}

type Json = Record<string, unknown>;

const tagsJson = (tags: Record<string, string> = {}) => Object.entries(tags).map(([key, value]) => ({ key, value }));

function tagsOf(value: unknown): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const tag of (value as { key: string; value?: string }[] | undefined) ?? []) tags[tag.key] = tag.value ?? '';
  return tags;
}

function registeredModel(json: unknown): RegisteredModelInfo {
  const model = (json ?? {}) as Json;
  const aliases: Record<string, string> = {};
  for (const entry of (model.aliases as { alias: string; version: string }[] | undefined) ?? [])
    aliases[entry.alias] = String(entry.version);
  return {
    name: String(model.name),
    description: String(model.description ?? ''),
    creationTimestamp: Number(model.creation_timestamp ?? 0),
    lastUpdatedTimestamp: Number(model.last_updated_timestamp ?? 0),
    tags: tagsOf(model.tags),
    aliases,
  };
}

function modelVersion(json: unknown): ModelVersionInfo {
  const version = (json ?? {}) as Json;
  return {
    name: String(version.name),
    version: String(version.version),
    source: String(version.source ?? ''),
    runId: String(version.run_id ?? ''),
    status: String(version.status ?? ''),
    description: String(version.description ?? ''),
    creationTimestamp: Number(version.creation_timestamp ?? 0),
    tags: tagsOf(version.tags),
    aliases: ((version.aliases as string[] | undefined) ?? []).map(String),
  };
}

function searchQuery(options: RegistrySearch): Record<string, string | number | undefined> {
  return { filter: options.filter, max_results: options.maxResults, page_token: options.pageToken };
}

function page<T>(items: T[], token: unknown): TrackingPage<T> {
  return typeof token === 'string' && token !== '' ? { items, nextPageToken: token } : { items };
}

export function createMlflowRegistryClient(options: MlflowHttpOptions): MlflowRegistryClient {
  const http = createMlflowHttpClient(options);
  const prefix = 'mlflow';
  return {
    async createRegisteredModel(name, { description, tags } = {}) {
      const answer = await http.post(`${prefix}/registered-models/create`, { name, description, tags: tagsJson(tags) });
      return registeredModel(answer.registered_model);
    },
    async getRegisteredModel(name) {
      return registeredModel((await http.get(`${prefix}/registered-models/get`, { name })).registered_model);
    },
    async updateRegisteredModel(name, description) {
      return registeredModel((await http.patch(`${prefix}/registered-models/update`, { name, description })).registered_model);
    },
    async searchRegisteredModels(search = {}) {
      const answer = await http.get(`${prefix}/registered-models/search`, searchQuery(search));
      return page(((answer.registered_models as unknown[]) ?? []).map(registeredModel), answer.next_page_token);
    },
    async deleteRegisteredModel(name) {
      await http.delete(`${prefix}/registered-models/delete`, { name });
    },
    async createModelVersion({ name, source, runId, description, tags }) {
      const answer = await http.post(`${prefix}/model-versions/create`, {
        name,
        source,
        run_id: runId,
        description,
        tags: tagsJson(tags),
      });
      return modelVersion(answer.model_version);
    },
    async getModelVersion(name, version) {
      return modelVersion((await http.get(`${prefix}/model-versions/get`, { name, version: String(version) })).model_version);
    },
    async searchModelVersions(search = {}) {
      const answer = await http.get(`${prefix}/model-versions/search`, searchQuery(search));
      return page(((answer.model_versions as unknown[]) ?? []).map(modelVersion), answer.next_page_token);
    },
    async deleteModelVersion(name, version) {
      await http.delete(`${prefix}/model-versions/delete`, { name, version: String(version) });
    },
    async setAlias(name, alias, version) {
      await http.post(`${prefix}/registered-models/alias`, { name, alias, version: String(version) });
    },
    async deleteAlias(name, alias) {
      await http.delete(`${prefix}/registered-models/alias`, { name, alias });
    },
    async getModelVersionByAlias(name, alias) {
      return modelVersion((await http.get(`${prefix}/registered-models/alias`, { name, alias })).model_version);
    },
    async getDownloadUri(name, version) {
      const answer = await http.get(`${prefix}/model-versions/get-download-uri`, { name, version: String(version) });
      return String(answer.artifact_uri ?? '');
    },
  };
}
