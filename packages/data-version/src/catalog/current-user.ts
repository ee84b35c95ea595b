import os from 'node:os';

/** Who is making a change: `MLP_USER`, then the login name from the environment, then the OS account. */
export function currentUser(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const fromEnv = env.MLP_USER || env.LOGNAME || env.USER || env.LNAME || env.USERNAME;
  if (fromEnv) return fromEnv;
  try {
    return os.userInfo().username;
  } catch {
    return '';
  }
}
