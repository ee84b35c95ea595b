import { MlpError } from '../errors/mlp-error.js';

/**
 * Whether PostgreSQL failed because its files are missing or corrupt: SQLSTATE class 58 (system
 * errors such as "could not open file") or XX001/XX002 (data or index corrupted).
 */
export function isDatabaseDamage(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('58') || code === 'XX001' || code === 'XX002');
}

/** The error every command reports for a damaged database, instead of an unexpected INTERNAL failure. */
export function databaseDamagedError(error: unknown): MlpError {
  const reason = error instanceof Error ? error.message : String(error);
  return new MlpError(
    'FAILED_PRECONDITION',
    `The workspace database is damaged (${reason}). Run \`mlp doctor\` to see which tables fail, then restore the database from a backup.`,
    { cause: error, details: { sqlState: (error as { code?: unknown }).code } },
  );
}
