#!/usr/bin/env node
// Promotion → GitHub: each time a registry alias (default `champion`) moves to a version, send the
// repository a `repository_dispatch` event of type `mlp-model-promoted`, which starts mlp-deploy.yml
// with the model, the version and the version it replaced.
//
// A durable consumer of the workspace's events (the mechanism behind the registry's webhooks): its
// cursor is stored in the workspace, so a promotion made while it was down is sent when it starts
// again, and an event is retried until GitHub accepts it (at least once). Two copies may run: one
// delivers, the other stands by. GitHub's dispatch API needs a token and a body of its own shape,
// which is why this is not a registry webhook pointed at GitHub.
//
//   MLP_DATABASE_URL=postgres://...  GITHUB_REPOSITORY=owner/repo  GITHUB_TOKEN=...  \
//     node examples/github-actions/promotion-dispatch.mjs
//
// GITHUB_TOKEN: a fine-grained token with "Contents: write" on the repository (what the dispatch API
// asks for). Optional: MLP_DISPATCH_ALIAS (default champion), MLP_DISPATCH_MODELS (comma-separated
// model names; default every model), GITHUB_API_URL (GitHub Enterprise Server: https://HOST/api/v3).
import { MlpError, openWorkspace } from '@mlp/core';

const env = process.env;
const required = (name) => {
  const value = env[name];
  if (!value) throw new MlpError('INVALID_ARGUMENT', `${name} is not set: see the top of promotion-dispatch.mjs for what it needs.`);
  return value;
};
const repository = required('GITHUB_REPOSITORY');
const token = required('GITHUB_TOKEN');
if (!/^[\w.-]+\/[\w.-]+$/.test(repository))
  throw new MlpError('INVALID_ARGUMENT', `GITHUB_REPOSITORY must be owner/name, not '${repository}'.`);
const api = (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, '');
const alias = env.MLP_DISPATCH_ALIAS || 'champion';
const models = env.MLP_DISPATCH_MODELS ? new Set(env.MLP_DISPATCH_MODELS.split(',').map((name) => name.trim())) : undefined;
const consumer = `github.dispatch.${repository}`;

/** Sends one promotion; throws (the event is then retried) unless GitHub accepted it. */
async function dispatch(event) {
  const { name, version, alias: moved, previousVersion } = event.payload ?? {};
  if (moved !== alias || (models && !models.has(name))) return;
  const response = await fetch(`${api}/repos/${repository}/dispatches`, {
    method: 'POST',
    headers: {
      accept: 'application/vnd.github+json',
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      'user-agent': 'mlp-promotion-dispatch',
      'x-github-api-version': '2022-11-28',
    },
    body: JSON.stringify({
      event_type: 'mlp-model-promoted',
      client_payload: {
        model: name,
        version: String(version),
        alias: moved,
        previous_version: previousVersion == null ? '' : String(previousVersion),
        event_id: event.id,
      },
    }),
    signal: AbortSignal.timeout(15_000),
  });
  if (!response.ok) {
    const detail = (await response.text()).slice(0, 300);
    throw new MlpError(
      response.status === 401 || response.status === 403 || response.status === 404 ? 'PERMISSION_DENIED' : 'UNAVAILABLE',
      `GitHub answered ${response.status} to the dispatch of ${name} version ${version} (${detail}); check GITHUB_TOKEN and GITHUB_REPOSITORY. Retrying.`,
    );
  }
  console.log(`dispatched mlp-model-promoted: ${name} version ${version} (${alias}, was ${previousVersion ?? 'none'}) to ${repository}`);
}

const workspace = await openWorkspace();
const stop = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => stop.abort());
const subscription = workspace.events.subscribe(
  {
    consumer,
    types: ['model_version.alias_set'],
    signal: stop.signal,
    retryDelayMs: Number(env.MLP_DISPATCH_RETRY_MS || 5_000),
    onError: (error) => console.error(`promotion-dispatch: ${error instanceof Error ? error.message : String(error)}`),
  },
  dispatch,
);
console.log(`promotion-dispatch: sending moves of '${alias}' to ${repository} (consumer ${consumer})`);
await new Promise((resolve) => stop.signal.addEventListener('abort', resolve, { once: true }));
await subscription.close();
await workspace.close();
