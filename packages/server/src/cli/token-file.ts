import { readFile, stat } from 'node:fs/promises';
import { MlpError } from '@mlp/core';
import { type ServerToken, serverTokenSchema } from '../create-server.js';

/**
 * Parses a token file: one token per line, optionally followed by its scopes (`read` or `read,write`,
 * the default). Blank lines and `#` comments are skipped. A file without tokens is an error: silently
 * serving without auth because of an empty file would be the worst outcome.
 */
export function parseTokenFile(text: string, label: string): ServerToken[] {
  const tokens: ServerToken[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    const content = line.replace(/#.*$/, '').trim();
    if (content === '') return;
    const [token, scopeText = 'read,write', ...extra] = content.split(/\s+/);
    const where = `${label}:${index + 1}`;
    if (extra.length > 0) throw new MlpError('INVALID_ARGUMENT', `${where}: expected "<token> [read|read,write]", found more words.`);
    const scopes = scopeText === 'read' ? ['read'] : scopeText === 'read,write' ? ['read', 'write'] : undefined;
    if (!scopes) throw new MlpError('INVALID_ARGUMENT', `${where}: unknown scopes ${JSON.stringify(scopeText)}; use read or read,write.`);
    const parsed = serverTokenSchema.safeParse({ token, scopes });
    if (!parsed.success) throw new MlpError('INVALID_ARGUMENT', `${where}: ${parsed.error.issues[0]?.message ?? 'invalid token'}.`);
    tokens.push(parsed.data);
  });
  if (tokens.length === 0)
    throw new MlpError('INVALID_ARGUMENT', `${label} holds no tokens; add one per line, such as "<token> read,write".`);
  return tokens;
}

export interface TokenFile {
  tokens: ServerToken[];
  /** Whether users other than the owner may read the file (its tokens are secrets). */
  readableByOthers: boolean;
}

export async function readTokenFile(file: string): Promise<TokenFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new MlpError('NOT_FOUND', `No token file at ${file}.`, { cause: error });
    throw new MlpError('INVALID_ARGUMENT', `Cannot read the token file ${file} (${code}).`, { cause: error });
  }
  const { mode } = await stat(file);
  return { tokens: parseTokenFile(text, file), readableByOthers: process.platform !== 'win32' && (mode & 0o077) !== 0 };
}
