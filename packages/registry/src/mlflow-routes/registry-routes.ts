import { MlpError } from '@mlp/core';
import {
  bool,
  int64,
  keyValue,
  message,
  type RequestContext,
  type Route,
  repeated,
  requestField,
  routeBuilder,
  string,
} from '@mlp/core/http';
import type { z } from 'zod';
import type { ModelVersion, RegisteredModel } from '../model.js';
import type { Registry } from '../open-registry.js';
import { parseStage } from '../stages.js';
import { modelVersionJson, registeredModelJson } from './mlflow-json.js';
import { type FilterClause, matchesClause, parseRegistryFilter } from './registry-filter.js';
import { parseRegistryOrderBy, sortByKeys } from './registry-order.js';

/** A model version number: MLflow sends it as a string (`"3"`); a number is taken too. */
const versionNumber = requestField('a version number such as "3"', (value) => {
  const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof number === 'number' && Number.isSafeInteger(number) && number >= 1 ? number : undefined;
});

// MLflow's registry request messages (model_registry.proto).
const name = { name: string.required() };
const nameAndVersion = { name: string.required(), version: versionNumber.required() };
const tagList = { tags: repeated(keyValue) };
const paging = { max_results: int64.optional(), page_token: string.optional() };
const search = message({ filter: string.optional(), order_by: repeated(string.required()), ...paging });
const latestVersionsSchema = message({ ...name, stages: repeated(string.required()) });

const tagRecord = (tags: { key: string; value?: string | undefined }[]) =>
  Object.fromEntries(tags.map((tag) => [tag.key, tag.value ?? '']));

/** Who acts, for the audit log: the request's bearer token; the registry's default actor without one. */
const actorOf = (context: RequestContext): { actor?: string } => (context.tokenId ? { actor: context.tokenId } : {});

const { json: route } = routeBuilder<object>();

/** MLflow's limits for registry searches. */
const searchModelsDefault = 100;
const searchModelsLimit = 1000;
const searchVersionsLimit = 200_000;

function pageOf<T>(
  items: T[],
  input: { max_results?: number | undefined; page_token?: string | undefined },
  defaultMax: number,
  limit: number,
): { items: T[]; next_page_token?: string } {
  const maxResults = input.max_results ?? defaultMax;
  if (maxResults < 1 || maxResults > limit) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `Invalid value for request parameter max_results: it must be between 1 and ${limit}, got ${maxResults}.`,
    );
  }
  const token = input.page_token;
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

/**
 * The MLflow registry REST routes over a registry, for the HTTP layer of `@mlp/core/http`: paths
 * follow the API prefix (`/api/2.0/`, `/ajax-api/2.0/`), inputs are MLflow's request messages.
 */
export function createRegistryRoutes(registry: Registry): Route[] {
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

  async function latestVersions(input: z.output<typeof latestVersionsSchema>) {
    const stages = input.stages.map(parseStage);
    const versions = await registry.latestVersions(input.name, stages);
    return { model_versions: versions.map(modelVersionJson) };
  }

  return [
    route(
      'POST',
      'mlflow/registered-models/create',
      'write',
      message({ ...name, ...tagList, description: string.optional() }),
      async (input, context) => {
        const model = await registry.createModel({
          name: input.name,
          tags: tagRecord(input.tags),
          ...actorOf(context),
          ...(input.description === undefined ? {} : { description: input.description }),
        });
        return { registered_model: await modelJson(model) };
      },
    ),
    route('GET', 'mlflow/registered-models/get', 'read', message(name), async (input) => ({
      registered_model: await modelJson(await registry.getModel(input.name)),
    })),
    route(
      'PATCH',
      'mlflow/registered-models/update',
      'write',
      message({ ...name, description: string.optional() }),
      async ({ name, description }, context) => {
        const model =
          description === undefined
            ? await registry.getModel(name)
            : await registry.updateModel(name, { description, ...actorOf(context) });
        return { registered_model: await modelJson(model) };
      },
    ),
    route(
      'POST',
      'mlflow/registered-models/rename',
      'write',
      message({ ...name, new_name: string.required() }),
      async (input, context) => ({
        registered_model: await modelJson(await registry.renameModel(input.name, input.new_name, actorOf(context))),
      }),
    ),
    route('DELETE', 'mlflow/registered-models/delete', 'write', message(name), async (input, context) => {
      await registry.deleteModel(input.name, actorOf(context));
      return {};
    }),
    route('GET', 'mlflow/registered-models/search', 'read', search, async (input) => {
      const clauses = parseRegistryFilter(input.filter, ['name']);
      const order = parseRegistryOrderBy(input.order_by, modelOrder, ['name ASC'], ['name ASC']);
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
    route(
      'POST',
      'mlflow/registered-models/set-tag',
      'write',
      message({ ...name, key: string.required(), value: string.optional() }),
      async (input) => {
        await registry.setModelTag(input.name, input.key, input.value ?? '');
        return {};
      },
    ),
    route('DELETE', 'mlflow/registered-models/delete-tag', 'write', message({ ...name, key: string.required() }), async (input) => {
      await registry.deleteModelTag(input.name, input.key);
      return {};
    }),
    route(
      'POST',
      'mlflow/registered-models/alias',
      'write',
      message({ ...name, alias: string.required(), version: versionNumber.required() }),
      async (input, context) => {
        await registry.setAlias(input.name, input.alias, input.version, actorOf(context));
        return {};
      },
    ),
    route('DELETE', 'mlflow/registered-models/alias', 'write', message({ ...name, alias: string.required() }), async (input, context) => {
      try {
        await registry.deleteAlias(input.name, input.alias, actorOf(context));
      } catch (error) {
        // MLflow deletes an alias that is not there without complaint (the model must exist).
        if (!isMissingAlias(error)) throw error;
      }
      return {};
    }),
    route('GET', 'mlflow/registered-models/alias', 'read', message({ ...name, alias: string.required() }), async ({ name, alias }) => {
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
    route('POST', 'mlflow/registered-models/get-latest-versions', 'read', latestVersionsSchema, latestVersions),
    route('GET', 'mlflow/registered-models/get-latest-versions', 'read', latestVersionsSchema, latestVersions),

    route(
      'POST',
      'mlflow/model-versions/create',
      'write',
      message({ ...name, source: string.required(), run_id: string.optional(), description: string.optional(), ...tagList }),
      async (input, context) => {
        const version = await registry.registerVersion({
          name: input.name,
          source: input.source,
          tags: tagRecord(input.tags),
          createModel: false,
          remote: true,
          ...actorOf(context),
          ...(input.run_id ? { runId: input.run_id } : {}),
          ...(input.description === undefined ? {} : { description: input.description }),
        });
        return { model_version: modelVersionJson(version) };
      },
    ),
    route('GET', 'mlflow/model-versions/get', 'read', message(nameAndVersion), async (input) => ({
      model_version: modelVersionJson(await registry.getVersion(input.name, input.version)),
    })),
    route(
      'PATCH',
      'mlflow/model-versions/update',
      'write',
      message({ ...nameAndVersion, description: string.optional() }),
      async ({ name, version, description }, context) => {
        const updated =
          description === undefined
            ? await registry.getVersion(name, version)
            : await registry.updateVersion(name, version, { description, ...actorOf(context) });
        return { model_version: modelVersionJson(updated) };
      },
    ),
    route('DELETE', 'mlflow/model-versions/delete', 'write', message(nameAndVersion), async (input, context) => {
      await registry.deleteVersion(input.name, input.version, actorOf(context));
      return {};
    }),
    route('GET', 'mlflow/model-versions/search', 'read', search, async (input) => {
      const clauses = parseRegistryFilter(input.filter, ['name', 'run_id', 'source', 'version']);
      const order = parseRegistryOrderBy(
        input.order_by,
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
    route('GET', 'mlflow/model-versions/get-download-uri', 'read', message(nameAndVersion), async (input) => ({
      artifact_uri: await registry.downloadUri(input.name, input.version),
    })),
    route(
      'POST',
      'mlflow/model-versions/transition-stage',
      'write',
      message({ ...nameAndVersion, stage: string.required(), archive_existing_versions: bool.required() }),
      async (input, context) => {
        const stage = parseStage(input.stage);
        const options = { ...actorOf(context), archiveExistingVersions: input.archive_existing_versions };
        return { model_version: modelVersionJson(await registry.transitionStage(input.name, input.version, stage, options)) };
      },
    ),
    route(
      'POST',
      'mlflow/model-versions/set-tag',
      'write',
      message({ ...nameAndVersion, key: string.required(), value: string.optional() }),
      async (input) => {
        await registry.setVersionTag(input.name, input.version, input.key, input.value ?? '');
        return {};
      },
    ),
    route('DELETE', 'mlflow/model-versions/delete-tag', 'write', message({ ...nameAndVersion, key: string.required() }), async (input) => {
      await registry.deleteVersionTag(input.name, input.version, input.key);
      return {};
    }),
  ];
}
