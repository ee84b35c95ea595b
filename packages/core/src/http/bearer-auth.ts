import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { httpProblem } from './http-problem.js';

export type Scope = 'read' | 'write';

export interface BearerToken {
  token: string;
  scopes: readonly Scope[];
}

/** What a request may do once its token is checked. */
export interface Principal {
  scopes: ReadonlySet<Scope>;
  /** A short, non-secret name for logs: the first characters of the token's SHA-256. */
  tokenId: string | undefined;
}

const digest = (token: string) => createHash('sha256').update(token, 'utf8').digest();
const challenge = { httpHeaders: { 'www-authenticate': 'Bearer realm="mlp"' } };

/**
 * Checks `Authorization: Bearer <token>` against the configured tokens. Without configured tokens
 * every request may read and write. Tokens are compared as SHA-256 digests with timingSafeEqual, so
 * neither their content nor their length leaks through timing.
 */
export function createBearerAuth(tokens: readonly BearerToken[] | undefined) {
  const known = (tokens ?? []).map((entry) => ({ hash: digest(entry.token), scopes: new Set(entry.scopes) }));

  return {
    enabled: known.length > 0,
    authenticate(headers: IncomingHttpHeaders): Principal {
      if (known.length === 0) return { scopes: new Set<Scope>(['read', 'write']), tokenId: undefined };
      const header = headers.authorization;
      const match = header ? /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header) : null;
      if (!match?.[1]) {
        throw httpProblem(
          'UNAUTHENTICATED',
          'This server needs a bearer token: send "Authorization: Bearer <token>" (MLFLOW_TRACKING_TOKEN for MLflow clients).',
          challenge,
        );
      }
      const presented = digest(match[1]);
      // Compare against every token, without stopping early, so timing does not say which one matched.
      let found: (typeof known)[number] | undefined;
      for (const entry of known) if (timingSafeEqual(entry.hash, presented) && !found) found = entry;
      if (!found) throw httpProblem('UNAUTHENTICATED', 'The bearer token is not valid for this server.', challenge);
      return { scopes: found.scopes, tokenId: presented.subarray(0, 4).toString('hex') };
    },
  };
}

export function requireScope(principal: Principal, scope: Scope, what: string): void {
  if (!principal.scopes.has(scope)) {
    throw httpProblem(
      'PERMISSION_DENIED',
      `${what} needs a token with the '${scope}' scope; this token has ${[...principal.scopes].join(', ')}.`,
    );
  }
}
