import { MlpError } from '@mlp/core';

/**
 * MLflow's alias rules (`_validate_model_alias_name`): word characters and dashes, at most 255, not
 * `latest` (reserved for the newest version), not version-like (`v3`, `V12`); mlp also asks for a
 * leading letter so an alias can never be read as a version number in `models:/name@alias`.
 */
const aliasPattern = /^[A-Za-z][\w-]{0,254}$/;
const versionLike = /^v\d+$/i;

/** Why `alias` is not a valid alias name, or undefined when it is. */
export function aliasProblem(alias: unknown): string | undefined {
  if (typeof alias !== 'string' || alias === '') return 'it must be a non-empty string';
  if (alias.toLowerCase() === 'latest') return "'latest' is reserved for the newest version";
  if (versionLike.test(alias)) return 'it looks like a version number (v<digits>); pick a name such as champion';
  if (!aliasPattern.test(alias)) return 'use a letter followed by up to 254 letters, digits, _ or -';
  return undefined;
}

export function assertAlias(alias: unknown): asserts alias is string {
  const problem = aliasProblem(alias);
  if (problem) throw new MlpError('INVALID_ARGUMENT', `Invalid alias ${JSON.stringify(alias)}: ${problem}.`, { details: { alias } });
}

const modelNamePattern = /^[^/\0\n\r]{1,256}$/;

/** Model names: 1 to 256 characters, no '/', NUL or line breaks (they appear in `models:/` URIs). */
export function assertModelName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || !modelNamePattern.test(name) || name.trim() !== name) {
    throw new MlpError(
      'INVALID_ARGUMENT',
      `Invalid model name ${JSON.stringify(name)}: use 1 to 256 characters without '/', line breaks or surrounding spaces.`,
      { details: { name } },
    );
  }
}

export function assertVersionNumber(version: unknown): asserts version is number {
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) {
    throw new MlpError('INVALID_ARGUMENT', `Invalid model version ${JSON.stringify(version)}: versions are whole numbers from 1.`);
  }
}
