import { MlpError } from '@mlp/core';

/**
 * DVC's config files (`.dvc/config`, `.dvc/config.local`) are configobj INI files:
 *
 *     [core]
 *         remote = storage
 *     ['remote "storage"']
 *         url = s3://bucket/prefix
 *
 * Sections keep their order and their keys' order, so a rewrite changes only what was set.
 * (Comments are not kept: DVC's own `dvc config` rewrites the file the same way.)
 */
export type IniSections = Map<string, Map<string, string>>;

function unquote(text: string): string {
  const trimmed = text.trim();
  if (trimmed.length >= 2 && (trimmed[0] === "'" || trimmed[0] === '"') && trimmed.at(-1) === trimmed[0]) return trimmed.slice(1, -1);
  return trimmed;
}

export function parseIni(text: string, file: string): IniSections {
  const sections: IniSections = new Map();
  let current: Map<string, string> | undefined;
  const lines = text.split(/\r?\n/);
  lines.forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) return;
    const header = /^\[(.*)\]$/.exec(trimmed);
    if (header) {
      const name = unquote(header[1] ?? '');
      current = sections.get(name) ?? new Map();
      sections.set(name, current);
      return;
    }
    const equals = trimmed.indexOf('=');
    if (equals <= 0 || current === undefined)
      throw new MlpError(
        'INVALID_ARGUMENT',
        `${file} line ${index + 1} is not \`key = value\` inside a [section]: ${JSON.stringify(trimmed)}. Fix the file.`,
      );
    // configobj allows an inline comment after an unquoted value.
    const rawValue = trimmed.slice(equals + 1).replace(/\s+#.*$/, '');
    current.set(trimmed.slice(0, equals).trim(), unquote(rawValue));
  });
  return sections;
}

export function formatIni(sections: IniSections): string {
  let out = '';
  for (const [name, entries] of sections) {
    // configobj quotes a section name that holds quotes, as DVC's `['remote "name"']`.
    out += name.includes('"') ? `['${name}']\n` : `[${name}]\n`;
    for (const [key, value] of entries) out += `    ${key} = ${value}\n`;
  }
  return out;
}

/** The section name DVC gives a remote. */
export function remoteSection(name: string): string {
  return `remote "${name}"`;
}

/** The remote name of a section, or undefined for other sections. */
export function remoteNameOf(section: string): string | undefined {
  return /^remote "(.+)"$/.exec(section)?.[1];
}
