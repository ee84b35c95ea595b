import { MlpError } from '@mlp/core';
import { assertAlias, assertModelName } from './alias-name.js';

/** A reference to one version: by number, by alias, or the newest READY one (`latest`). */
export type ModelReference = { name: string; version: number } | { name: string; alias: string } | { name: string; latest: true };

/**
 * Parses `models:/name/3`, `models:/name@champion`, `models:/name/latest`, or the same without the
 * `models:/` scheme (`name@champion`, as the CLI takes them).
 */
export function parseModelUri(uri: string): ModelReference {
  const fail = (why: string) =>
    new MlpError(
      'INVALID_ARGUMENT',
      `Invalid model URI ${JSON.stringify(uri)}: ${why}. Use models:/<name>/<version> or models:/<name>@<alias>.`,
    );
  if (typeof uri !== 'string' || uri === '') throw fail('it is empty');
  const body = uri.startsWith('models:/') ? uri.slice('models:/'.length) : uri;
  const at = body.lastIndexOf('@');
  if (at > 0 && !body.slice(at).includes('/')) {
    const name = body.slice(0, at);
    const alias = body.slice(at + 1);
    assertModelName(name);
    assertAlias(alias);
    return { name, alias };
  }
  const slash = body.lastIndexOf('/');
  if (slash <= 0) throw fail('it names no version or alias');
  const name = body.slice(0, slash);
  const rest = body.slice(slash + 1);
  assertModelName(name);
  if (rest === 'latest') return { name, latest: true };
  if (!/^[1-9]\d{0,9}$/.test(rest)) throw fail(`'${rest}' is not a version number`);
  return { name, version: Number(rest) };
}

export function formatModelUri(reference: ModelReference): string {
  if ('alias' in reference) return `models:/${reference.name}@${reference.alias}`;
  if ('latest' in reference) return `models:/${reference.name}/latest`;
  return `models:/${reference.name}/${reference.version}`;
}
