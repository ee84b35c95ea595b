import type { InitResult } from './commands/init-result.js';
import type { DoctorCheck, DoctorReport } from './doctor/doctor-check.js';

// The `--json` shapes of `mlp init` and `mlp doctor`: snake_case keys, times in epoch milliseconds,
// absent values as null (docs/cli-json.md).

export function initJson(result: InitResult) {
  return {
    ok: result.ok,
    workspace: result.workspace,
    created: result.created,
    updated: result.updated,
    already_initialised: result.alreadyInitialised,
    database: { engine: result.database.engine, url: result.database.url },
    blobs: { driver: result.blobs.driver, location: result.blobs.location },
  };
}

const snake = (key: string) => key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/** A check's facts with snake_case keys; the config's `sources` map (keyed by setting name) becomes a list. */
function infoJson(info: Record<string, unknown>) {
  return Object.fromEntries(
    Object.entries(info).map(([key, value]) =>
      key === 'sources' && typeof value === 'object' && value !== null
        ? [key, Object.entries(value).map(([setting, source]) => ({ setting, source }))]
        : [snake(key), value],
    ),
  );
}

/** The migrations check's facts are keyed by package name: printed as a list of `{ package, applied, pending }`. */
function migrationsJson(info: Record<string, unknown>) {
  return {
    packages: Object.entries(info).map(([name, state]) => ({ package: name, ...(state as { applied: number; pending: string[] }) })),
  };
}

function checkJson(check: DoctorCheck) {
  const info = check.info ? (check.name === 'migrations' ? migrationsJson(check.info) : infoJson(check.info)) : null;
  return { name: check.name, ok: check.ok, required: check.required, detail: check.detail, info };
}

export function doctorJson(report: DoctorReport) {
  return { ok: report.ok, workspace: report.workspace, checks: report.checks.map(checkJson) };
}
