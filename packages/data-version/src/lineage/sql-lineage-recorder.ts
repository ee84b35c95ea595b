import { type Database, MlpError } from '@mlp/core';
import { type SQL, sql } from 'drizzle-orm';
import { parseDatasetRef } from '../catalog/dataset-ref.js';
import { findVersion, selectVersions, toDatasetVersion, toDate } from '../catalog/version-rows.js';
import { type DatasetVersionUse, type LineageRecorder, type LineageRole, lineageRoles } from './lineage-recorder.js';

const RUN_ID = /^[A-Za-z0-9._:@/-]{1,256}$/;

function assertRunId(runId: string): void {
  if (!RUN_ID.test(runId)) {
    throw new MlpError('INVALID_ARGUMENT', `Invalid run id ${JSON.stringify(runId)}: use 1 to 256 letters, digits and . _ : @ / -.`);
  }
}

function toUse(row: Record<string, unknown>): DatasetVersionUse {
  return {
    runId: String(row.lineage_run_id),
    role: row.lineage_role as LineageRole,
    recordedAt: toDate(row.lineage_recorded_at),
    version: toDatasetVersion(row),
  };
}

/** Lineage in the catalog's `data_lineage` table, on the workspace database. */
export function createSqlLineageRecorder(db: Database): LineageRecorder {
  const selectUses = (where: SQL, order: SQL) =>
    db.drizzle.execute(sql`select l.run_id as lineage_run_id, l.role as lineage_role, l.recorded_at as lineage_recorded_at, v.*
      from data_lineage l join (${selectVersions(sql`true`)}) v on v.id = l.version_id
      where ${where} ${order}`);

  return {
    async recordUse({ runId, datasetVersion, role }) {
      assertRunId(runId);
      if (!lineageRoles.includes(role)) {
        throw new MlpError('INVALID_ARGUMENT', `Invalid lineage role ${JSON.stringify(role)}: use input or output.`);
      }
      const ref = typeof datasetVersion === 'string' ? datasetVersion : datasetVersion.ref;
      const { id } = await findVersion(db.drizzle, parseDatasetRef(ref));
      await db.drizzle.execute(
        sql`insert into data_lineage (run_id, version_id, role) values (${runId}, ${id}, ${role}) on conflict do nothing`,
      );
      const result = await selectUses(sql`l.run_id = ${runId} and l.version_id = ${id} and l.role = ${role}`, sql``);
      const row = result.rows[0];
      if (!row) throw new MlpError('INTERNAL', `The lineage row of run ${runId} and ${ref} was not found after writing it.`);
      return toUse(row);
    },

    async usesOfRun(runId) {
      assertRunId(runId);
      const result = await selectUses(sql`l.run_id = ${runId}`, sql`order by l.role, l.recorded_at, v.id`);
      return result.rows.map(toUse);
    },

    async runsOfVersion(ref) {
      const { id } = await findVersion(db.drizzle, parseDatasetRef(ref));
      const result = await selectUses(sql`l.version_id = ${id}`, sql`order by l.recorded_at, l.run_id, l.role`);
      return result.rows.map(toUse);
    },
  };
}
