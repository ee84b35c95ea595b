import type { TextTable } from '@mlp/cli';
import type { AuditEntry, ModelVersion, RegisteredModel } from '../model.js';
import type { GateOutcome } from '../promotion/gate-types.js';

const time = (epochMs: number) => new Date(epochMs).toISOString().replace('T', ' ').slice(0, 19);
const aliasList = (aliases: Record<string, number>) =>
  Object.entries(aliases)
    .map(([alias, version]) => `${alias}→${version}`)
    .join(', ') || '-';

export function modelsTable(models: readonly RegisteredModel[]): TextTable {
  return {
    columns: ['name', 'aliases', 'updated', 'description'],
    rows: models.map((model) => [model.name, aliasList(model.aliases), time(model.lastUpdatedTime), model.description]),
  };
}

export function versionsTable(versions: readonly ModelVersion[]): TextTable {
  return {
    columns: ['version', 'status', 'stage', 'aliases', 'created', 'source'],
    rows: versions.map((version) => [
      String(version.version),
      version.status,
      version.currentStage,
      version.aliases.join(', ') || '-',
      time(version.creationTime),
      version.source,
    ]),
  };
}

export function gatesTable(gates: readonly GateOutcome[]): TextTable {
  return { columns: ['', 'gate', 'result'], rows: gates.map((gate) => [gate.passed ? 'pass' : 'FAIL', gate.gate, gate.message]) };
}

export function historyTable(entries: readonly AuditEntry[]): TextTable {
  return {
    columns: ['when', 'action', 'version', 'who', 'why'],
    rows: entries.map((entry) => [
      time(entry.time),
      entry.action,
      entry.version === null ? '-' : String(entry.version),
      entry.actor,
      entry.reason ?? '',
    ]),
  };
}
