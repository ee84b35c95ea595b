import { MlpError } from '@mlp/core';
import type { ModelVersion, RegisteredModel } from '../model.js';
import type { Registry } from '../open-registry.js';
import { parseStage } from '../stages.js';
import { modelVersionJson, registeredModelJson } from './mlflow-json.js';
import { type FilterClause, matchesClause, parseRegistryFilter } from './registry-filter.js';
import { parseRegistryOrderBy, sortByKeys } from './registry-order.js';
import {
  asInput,
  type Input,
  optionalInteger,
  optionalString,
  repeatedString,
  requiredBoolean,
  requiredString,
  requiredVersion,
  tags,
} from './request-input.js';

/**
 * One MLflow model-registry endpoint, independent of the HTTP server that mounts it: `path` follows
 * the API prefix (`/api/2.0/` or `/ajax-api/2.0/`); `handle` gets the JSON body (POST, PATCH, DELETE)
 * or the query object (GET) and returns the response body. Errors are MlpErrors: the server turns
 * them into MLflow's error bodies through its error table.
 */
export interface RegistryRoute {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  scope: 'read' | 'write';
  handle(input: unknown, request?: RegistryRequest): Promise<object>;
}

/** Who sent the request, for the audit log: the bearer token's id or user name; the registry's default actor otherwise. */
export interface RegistryRequest {
  actor?: string;
}

/** MLflow's limits for registry searches. */
const searchModelsDefault = 100;
const searchModelsLimit = 1000;
const searchVersionsLimit = 200_000;

function pageOf<T>(items: T[], input: Input, defaultMax: number, limit: number): { items: T[]; next_page_token?: string } {
  const maxResults = optionalInteger(input, 'max_results') ?? defaultMax;
  if (maxResults < 1 || maxResults > limit) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `Invalid value for request parameter max_results: it must be between 1 and ${limit}, got ${maxResults}.`,
    );
  }
  const token = optionalString(input, 'page_token');
  const offset = token ? Number(Buffer.from(token, 'base64url').toString('utf8')) : 0;
  if (!Number.isSafeInteger(offset) || offset < 0)
    throw new MlpError('INVALID_ARGUMENT', `Invalid page_token ${JSON.stringify(token)}: pass back the one a search returned.`);
  const page = items.slice(offset, offset + maxResults);
  const next = offset + maxResults < items.length ? Buffer.from(String(offset + maxResults), 'utf8').toString('base64url') : undefined;
  return next ? { items: page, next_page_token: next } : { items: page };
}

/** The text a clause compares: a tag's value (null when the item lacks the tag), or the field `field` reads. */
function clauseText<T extends { tags: Record<string, string> }>(
  item: T,
  clause: FilterClause,
  field: (item: T, key: string) => string | null,
) {
  if (!clause.key.startsWith('tags.')) return field(item, clause.key);
  const tag = clause.key.slice('tags.'.length);
  return Object.hasOwn(item.tags, tag) ? (item.tags[tag] as string) : null;
}

/** The registry's NOT_FOUND for an alias (not for the model, which has no `alias` detail). */
const isMissingAlias = (error: unknown) =>
  MlpError.isInstance(error) && error.code === 'NOT_FOUND' && typeof error.details?.alias === 'string';

/** MLflow's registered-model order_by keys (`timestamp` is the creation time); by name by default. */
const modelOrder = {
  name: { field: 'name', read: (model: RegisteredModel) => model.name },
  timestamp: { field: 'creation', read: (model: RegisteredModel) => model.creationTime },
  creation_timestamp: { field: 'creation', read: (model: RegisteredModel) => model.creationTime },
  last_updated_timestamp: { field: 'updated', read: (model: RegisteredModel) => model.lastUpdatedTime },
};

/** MLflow's model-version order_by keys; newest change first by default, then name, then newest version. */
const versionOrder = {
  name: { field: 'name', read: (version: ModelVersion) => version.name },
  version_number: { field: 'version', read: (version: ModelVersion) => version.version },
  creation_timestamp: { field: 'creation', read: (version: ModelVersion) => version.creationTime },
  last_updated_timestamp: { field: 'updated', read: (version: ModelVersion) => version.lastUpdatedTime },
};

/** The MLflow registry REST routes over a registry. */
export function createRegistryRoutes(registry: Registry): RegistryRoute[] {
  const route = (
    method: RegistryRoute['method'],
    path: string,
    scope: RegistryRoute['scope'],
    handle: (input: Input, who: { actor?: string }) => Promise<object>,
  ): RegistryRoute => ({
    method,
    path: `mlflow/${path}`,
    scope,
    handle: (input, request) => handle(asInput(input ?? {}), request?.actor ? { actor: request.actor } : {}),
  });

  async function modelJson(model: RegisteredModel) {
    return registeredModelJson(model, await registry.latestVersions(model.name));
  }

  async function allModels(): Promise<RegisteredModel[]> {
    const models: RegisteredModel[] = [];
    let pageToken: string | undefined;
    do {
      const page = await registry.listModels({ maxResults: 1000, ...(pageToken ? { pageToken } : {}) });
      models.push(...page.items);
      pageToken = page.nextPageToken;
    } while (pageToken);
    return models;
  }

  const nameAndVersion = (input: Input) => [requiredString(input, 'name'), requiredVersion(input)] as const;

  async function latestVersions(input: Input) {
    const stages = repeatedString(input, 'stages').map(parseStage);
    const versions = await registry.latestVersions(requiredString(input, 'name'), stages);
    return { model_versions: versions.map(modelVersionJson) };
  }

  return [
    route('POST', 'registered-models/create', 'write', async (input, who) => {
      const description = optionalString(input, 'description');
      const model = await registry.createModel({
        name: requiredString(input, 'name'),
        tags: tags(input),
        ...who,
        ...(description === undefined ? {} : { description }),
      });
      return { registered_model: await modelJson(model) };
    }),
    route('GET', 'registered-models/get', 'read', async (input) => ({
      registered_model: await modelJson(await registry.getModel(requiredString(input, 'name'))),
    })),
    route('PATCH', 'registered-models/update', 'write', async (input, who) => {
      const name = requiredString(input, 'name');
      const description = optionalString(input, 'description');
      const model = description === undefined ? await registry.getModel(name) : await registry.updateModel(name, { description, ...who });
      return { registered_model: await modelJson(model) };
    }),
    route('POST', 'registered-models/rename', 'write', async (input, who) => {
      const name = requiredString(input, 'name');
      const model = await registry.renameModel(name, requiredString(input, 'new_name'), who);
      return { registered_model: await modelJson(model) };
    }),
    route('DELETE', 'registered-models/delete', 'write', async (input, who) => {
      await registry.deleteModel(requiredString(input, 'name'), who);
      return {};
    }),
    route('GET', 'registered-models/search', 'read', async (input) => {
      const clauses = parseRegistryFilter(optionalString(input, 'filter'), ['name']);
      const order = parseRegistryOrderBy(repeatedString(input, 'order_by'), modelOrder, ['name ASC'], ['name ASC']);
      const matching = (await allModels()).filter((model) =>
        clauses.every((clause) =>
          matchesClause(
            clauseText(model, clause, (item) => item.name),
            clause,
          ),
        ),
      );
      const models = sortByKeys(matching, order);
      const page = pageOf(models, input, searchModelsDefault, searchModelsLimit);
      return {
        registered_models: await Promise.all(page.items.map(modelJson)),
        ...(page.next_page_token ? { next_page_token: page.next_page_token } : {}),
      };
    }),
    route('POST', 'registered-models/set-tag', 'write', async (input) => {
      await registry.setModelTag(requiredString(input, 'name'), requiredString(input, 'key'), optionalString(input, 'value') ?? '');
      return {};
    }),
    route('DELETE', 'registered-models/delete-tag', 'write', async (input) => {
      await registry.deleteModelTag(requiredString(input, 'name'), requiredString(input, 'key'));
      return {};
    }),
    route('POST', 'registered-models/alias', 'write', async (input, who) => {
      await registry.setAlias(requiredString(input, 'name'), requiredString(input, 'alias'), requiredVersion(input), who);
      return {};
    }),
    route('DELETE', 'registered-models/alias', 'write', async (input, who) => {
      try {
        await registry.deleteAlias(requiredString(input, 'name'), requiredString(input, 'alias'), who);
      } catch (error) {
        // MLflow deletes an alias that is not there without complaint (the model must exist).
        if (!isMissingAlias(error)) throw error;
      }
      return {};
    }),
    route('GET', 'registered-models/alias', 'read', async (input) => {
      const name = requiredString(input, 'name');
      const alias = requiredString(input, 'alias');
      try {
        return { model_version: modelVersionJson(await registry.resolve({ name, alias })) };
      } catch (error) {
        // MLflow's get_model_version_by_alias answers a missing alias with INVALID_PARAMETER_VALUE.
        if (isMissingAlias(error)) {
          throw new MlpError(
            'INVALID_ARGUMENT',
            `Registered model alias ${alias} not found: model '${name}' has no such alias; set it first.`,
            {
              details: { name, alias },
            },
          );
        }
        throw error;
      }
    }),
    route('POST', 'registered-models/get-latest-versions', 'read', latestVersions),
    route('GET', 'registered-models/get-latest-versions', 'read', latestVersions),

    route('POST', 'model-versions/create', 'write', async (input, who) => {
      const runId = optionalString(input, 'run_id');
      const description = optionalString(input, 'description');
      const version = await registry.registerVersion({
        name: requiredString(input, 'name'),
        source: requiredString(input, 'source'),
        tags: tags(input),
        createModel: false,
        remote: true,
        ...who,
        ...(runId ? { runId } : {}),
        ...(description === undefined ? {} : { description }),
      });
      return { model_version: modelVersionJson(version) };
    }),
    route('GET', 'model-versions/get', 'read', async (input) => ({
      model_version: modelVersionJson(await registry.getVersion(...nameAndVersion(input))),
    })),
    route('PATCH', 'model-versions/update', 'write', async (input, who) => {
      const [name, version] = nameAndVersion(input);
      const description = optionalString(input, 'description');
      const updated =
        description === undefined
          ? await registry.getVersion(name, version)
          : await registry.updateVersion(name, version, { description, ...who });
      return { model_version: modelVersionJson(updated) };
    }),
    route('DELETE', 'model-versions/delete', 'write', async (input, who) => {
      await registry.deleteVersion(...nameAndVersion(input), who);
      return {};
    }),
    route('GET', 'model-versions/search', 'read', async (input) => {
      const clauses = parseRegistryFilter(optionalString(input, 'filter'), ['name', 'run_id', 'source', 'version']);
      const order = parseRegistryOrderBy(
        repeatedString(input, 'order_by'),
        versionOrder,
        ['last_updated_timestamp DESC', 'name ASC', 'version_number DESC'],
        ['name ASC', 'version_number DESC'],
      );
      const exactName = clauses.find((clause) => clause.key === 'name' && clause.operator === '=')?.value;
      const exactRun = clauses.find((clause) => clause.key === 'run_id' && clause.operator === '=')?.value;
      const candidates = await registry.searchVersions({
        maxResults: searchVersionsLimit,
        ...(exactName === undefined ? {} : { name: exactName }),
        ...(exactRun === undefined ? {} : { runId: exactRun }),
      });
      const field = (version: ModelVersion, key: string) =>
        key === 'name' ? version.name : key === 'run_id' ? version.runId : key === 'source' ? version.source : String(version.version);
      const matching = candidates.filter((version) => clauses.every((clause) => matchesClause(clauseText(version, clause, field), clause)));
      const page = pageOf(sortByKeys(matching, order), input, searchVersionsLimit, searchVersionsLimit);
      return {
        model_versions: page.items.map(modelVersionJson),
        ...(page.next_page_token ? { next_page_token: page.next_page_token } : {}),
      };
    }),
    route('GET', 'model-versions/get-download-uri', 'read', async (input) => ({
      artifact_uri: await registry.downloadUri(...nameAndVersion(input)),
    })),
    route('POST', 'model-versions/transition-stage', 'write', async (input, who) => {
      const [name, version] = nameAndVersion(input);
      const stage = parseStage(requiredString(input, 'stage'));
      const archiveExistingVersions = requiredBoolean(input, 'archive_existing_versions');
      return { model_version: modelVersionJson(await registry.transitionStage(name, version, stage, { ...who, archiveExistingVersions })) };
    }),
    route('POST', 'model-versions/set-tag', 'write', async (input) => {
      const [name, version] = nameAndVersion(input);
      await registry.setVersionTag(name, version, requiredString(input, 'key'), optionalString(input, 'value') ?? '');
      return {};
    }),
    route('DELETE', 'model-versions/delete-tag', 'write', async (input) => {
      const [name, version] = nameAndVersion(input);
      await registry.deleteVersionTag(name, version, requiredString(input, 'key'));
      return {};
    }),
  ];
}
