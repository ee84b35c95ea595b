import { bool, invalidParameter, message, type RequestContext, string } from '@mlp/core/http';
import type { Registry } from '@mlp/registry';
import { jsonRoute, type TrackingRoute } from '../../mlflow/tracking-route.js';
import { auditJson, gateOutcomeJson, modelJson, modelVersionJson } from './model-json.js';

/** A version number in a path, a query or a body: a positive whole number. */
const versionNumber = string.required();
function parseVersion(text: string): number {
  const version = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(version) || version < 1)
    throw invalidParameter(`A model version is a whole number from 1, not ${JSON.stringify(text)}.`);
  return version;
}

/** Who acts, for the audit log: the bearer token's id, as on the MLflow registry routes. */
const actorOf = (context: RequestContext): { actor?: string } => (context.tokenId ? { actor: context.tokenId } : {});

/** Registered models, versions, aliases, gates and their results, the audit log; promote and set-alias (write scope). */
export function modelRoutes(registry: Registry): TrackingRoute[] {
  return [
    jsonRoute('GET', 'ui/models', 'read', message({}), async () => {
      const models = [];
      let pageToken: string | undefined;
      do {
        const page = await registry.listModels({ maxResults: 1000, ...(pageToken ? { pageToken } : {}) });
        models.push(...page.items.map(modelJson));
        pageToken = page.nextPageToken;
      } while (pageToken);
      return { models };
    }),
    jsonRoute('GET', 'ui/models/{name}', 'read', message({ name: string.required() }), async (input) => {
      const model = await registry.getModel(input.name);
      const [versions, gates, history] = await Promise.all([
        registry.listVersions(input.name),
        registry.getGates(input.name),
        registry.history(input.name, { limit: 1000 }),
      ]);
      return {
        model: modelJson(model),
        versions: versions.map(modelVersionJson),
        gates,
        history: history.map(auditJson),
      };
    }),
    // A dry run of the gates guarding `alias` for a version: what a promotion would meet, nothing moved.
    jsonRoute(
      'GET',
      'ui/models/{name}/versions/{version}/gates',
      'read',
      message({ name: string.required(), version: versionNumber, alias: string.required() }),
      async (input) => ({
        alias: input.alias,
        outcomes: (await registry.checkGates(input.name, parseVersion(input.version), input.alias)).map(gateOutcomeJson),
      }),
    ),
    jsonRoute(
      'POST',
      'ui/models/{name}/promote',
      'write',
      message({
        name: string.required(),
        version: versionNumber,
        alias: string.required(),
        reason: string.optional(),
        force: bool.optional(),
      }),
      async (input, context) => {
        const decision = await registry.promote(input.name, parseVersion(input.version), {
          alias: input.alias,
          ...(input.reason ? { reason: input.reason } : {}),
          ...(input.force ? { force: true } : {}),
          ...actorOf(context),
          signal: context.signal,
        });
        return {
          name: decision.name,
          version: decision.version,
          alias: decision.alias,
          outcome: decision.outcome,
          previous_version: decision.previousVersion,
          gates: decision.gates.map(gateOutcomeJson),
        };
      },
    ),
    jsonRoute(
      'POST',
      'ui/models/{name}/aliases',
      'write',
      message({ name: string.required(), version: versionNumber, alias: string.required() }),
      async (input, context) => {
        const version = parseVersion(input.version);
        await registry.setAlias(input.name, input.alias, version, actorOf(context));
        return { name: input.name, alias: input.alias, version };
      },
    ),
  ];
}
