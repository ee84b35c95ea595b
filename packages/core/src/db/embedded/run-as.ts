import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import { MlpError } from '../../errors/mlp-error.js';

/** The OS identity the embedded server runs as: the caller, or (PostgreSQL refuses root) the `postgres` user. */
export interface RunAs {
  uid: number;
  gid: number;
  /** Set when the server runs as another user than the caller. */
  user?: string;
}

let cached: RunAs | undefined;

export function serverIdentity(): RunAs {
  if (cached) return cached;
  const uid = process.getuid?.() ?? -1;
  const gid = process.getgid?.() ?? -1;
  if (uid !== 0) {
    cached = { uid, gid };
    return cached;
  }
  const user = process.env.MLP_EMBEDDED_PG_USER || 'postgres';
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, user], { encoding: 'utf8' }).trim());
    cached = { uid: id('-u'), gid: id('-g'), user };
  } catch (error) {
    throw new MlpError(
      'FAILED_PRECONDITION',
      `PostgreSQL will not run as root, and there is no '${user}' user to run the embedded database as. ` +
        `Create one (\`useradd --system ${user}\`), run as a non-root user, or set MLP_DATABASE_URL to a postgres:// server.`,
      { cause: error },
    );
  }
  return cached;
}

/** Whether the server's user may enter `dir` and every folder above it. */
export function canReach(identity: RunAs, dir: string): boolean {
  return unreachableAncestor(identity, dir) === undefined;
}

/** When the server runs as another user, every folder above its data must let that user through. */
export function assertReachable(identity: RunAs, dir: string): void {
  const current = unreachableAncestor(identity, dir);
  if (current !== undefined) {
    throw new MlpError(
      'PERMISSION_DENIED',
      `The embedded database runs as user '${identity.user}' (PostgreSQL refuses root), which cannot enter ${current}. ` +
        `Put the workspace where that user can reach it, run as a non-root user, or set MLP_DATABASE_URL to a postgres:// server.`,
    );
  }
}

function unreachableAncestor(identity: RunAs, dir: string): string | undefined {
  if (identity.user === undefined) return undefined;
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    const stat = statSync(current);
    const bit = stat.uid === identity.uid ? 0o100 : stat.gid === identity.gid ? 0o010 : 0o001;
    if ((stat.mode & bit) === 0) return current;
    if (path.dirname(current) === current) return undefined;
  }
}
