import { MlpError } from '@mlp/core';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** What follows `@` in a reference: the newest version, a number, or a tag. */
export type VersionSelector = { kind: 'latest' } | { kind: 'number'; version: number } | { kind: 'tag'; tag: string };

export interface DatasetRef {
  dataset: string;
  selector: VersionSelector;
}

/** Why `name` is not a valid dataset or tag name, or undefined when it is. */
export function nameProblem(name: string): string | undefined {
  if (!NAME.test(name)) return 'use 1 to 128 letters, digits, . _ or -, starting with a letter or digit';
  return undefined;
}

export function assertDatasetName(name: string): void {
  const problem = nameProblem(name);
  if (problem) throw new MlpError('INVALID_ARGUMENT', `Invalid dataset name ${JSON.stringify(name)}: ${problem} (such as flights).`);
}

/** Tags cannot be `latest` or all digits: those already mean something after `@`. */
export function assertTagName(tag: string): void {
  const problem =
    nameProblem(tag) ?? (tag === 'latest' || /^\d+$/.test(tag) ? '"latest" and plain numbers are reserved for versions' : undefined);
  if (problem) throw new MlpError('INVALID_ARGUMENT', `Invalid tag ${JSON.stringify(tag)}: ${problem} (such as train-2026-11).`);
}

/**
 * Parses `flights`, `flights@latest`, `flights@3` or `flights@train-2026-11`. A bare name means the
 * newest version.
 */
export function parseDatasetRef(ref: string): DatasetRef {
  const at = ref.indexOf('@');
  const dataset = at === -1 ? ref : ref.slice(0, at);
  const selector = at === -1 ? 'latest' : ref.slice(at + 1);
  const malformed = (why: string) =>
    new MlpError(
      'INVALID_ARGUMENT',
      `Malformed dataset reference ${JSON.stringify(ref)}: ${why}. Write NAME, NAME@latest, NAME@<version number> or NAME@<tag>, such as flights@3.`,
    );
  if (nameProblem(dataset)) throw malformed(`the dataset name ${JSON.stringify(dataset)} is invalid`);
  if (selector === 'latest') return { dataset, selector: { kind: 'latest' } };
  if (/^\d+$/.test(selector)) {
    const version = Number(selector);
    if (!Number.isSafeInteger(version) || version < 1) throw malformed('version numbers start at 1');
    return { dataset, selector: { kind: 'number', version } };
  }
  if (nameProblem(selector)) throw malformed(`${JSON.stringify(selector)} is not a version number, "latest" or a valid tag`);
  return { dataset, selector: { kind: 'tag', tag: selector } };
}

/** Whether `value` looks like a dataset reference rather than a file path (used by `open`). */
export function looksLikeDatasetRef(value: string): boolean {
  if (value.includes('/') || value.includes('\\')) return false;
  try {
    parseDatasetRef(value);
    return value.includes('@');
  } catch {
    return false;
  }
}

export function formatSelector(selector: VersionSelector): string {
  if (selector.kind === 'latest') return 'latest';
  return selector.kind === 'number' ? String(selector.version) : selector.tag;
}
