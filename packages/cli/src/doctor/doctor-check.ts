/** One line of `mlp doctor`'s report. */
export interface DoctorCheck {
  name: string;
  ok: boolean;
  /** A failed required check fails the doctor; an optional one (an optional backend) is information only. */
  required: boolean;
  /** What was found, or what is wrong and what to do. */
  detail: string;
  /** Structured facts for `--json` readers (engine, server version, package version...). */
  info?: Record<string, unknown>;
}

export interface DoctorReport {
  /** True when every required check passed. */
  ok: boolean;
  workspace: string;
  checks: DoctorCheck[];
}

/** The message of anything thrown, for a check's detail. */
export function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Rejects when `work` has not settled within `ms`, so one stuck backend cannot stall the whole report. */
export async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
