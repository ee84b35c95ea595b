import os from 'node:os';

export interface CurrentActorOptions {
  /** Who acts, when the caller knows (a request's authenticated user, an `actor` option): wins over everything. */
  actor?: string | undefined;
  /** Where `MLP_USER` is read from; `process.env` by default. */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Who is doing something, for every record of it (the registry's audit log, a run's user, a dataset
 * version's author). Precedence: the explicit `actor`, then `MLP_USER`, then `MLP_ACTOR` (a deprecated
 * alias of `MLP_USER`), then the login name (`LOGNAME`, `USER`, `LNAME`, `USERNAME`, as Python's
 * getpass and MLflow read it), then the OS account; `unknown` when none answers.
 */
export function currentActor(options: CurrentActorOptions = {}): string {
  const env = options.env ?? process.env;
  const named = options.actor || env.MLP_USER || env.MLP_ACTOR || env.LOGNAME || env.USER || env.LNAME || env.USERNAME;
  if (named) return named;
  try {
    return os.userInfo().username || 'unknown';
  } catch {
    return 'unknown'; // no passwd entry for the uid (a container started with --user)
  }
}
