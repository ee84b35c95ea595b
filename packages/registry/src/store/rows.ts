import { MlpError } from '@mlp/core';
import type { ModelVersion, RegisteredModel, Stage, VersionStatus } from '../model.js';

export interface ModelRow {
  model_id: string | number;
  name: string;
  description: string;
  creation_time: string | number;
  last_updated_time: string | number;
}

export interface VersionRow {
  model_id: string | number;
  name: string;
  version: number;
  source: string;
  run_id: string | null;
  signature: string | null;
  status: VersionStatus;
  status_message: string | null;
  description: string;
  user_id: string;
  content_hash: string | null;
  current_stage: Stage;
  creation_time: string | number;
  last_updated_time: string | number;
}

/** The columns of a version with its model's name, without its manifest; `v` is registry_versions, `m` registry_models. */
export const versionColumns = `m.model_id, m.name, v.version, v.source, v.run_id, v.signature, v.status, v.status_message,
  v.description, v.user_id, v.content_hash, v.current_stage, v.creation_time, v.last_updated_time`;

export function toModel(row: ModelRow, tags: Record<string, string>, aliases: Record<string, number>): RegisteredModel {
  return {
    name: row.name,
    description: row.description,
    creationTime: Number(row.creation_time),
    lastUpdatedTime: Number(row.last_updated_time),
    tags,
    aliases,
  };
}

export function toVersion(row: VersionRow, tags: Record<string, string>, aliases: string[]): ModelVersion {
  return {
    name: row.name,
    version: row.version,
    source: row.source,
    runId: row.run_id,
    signature: row.signature,
    status: row.status,
    statusMessage: row.status_message,
    description: row.description,
    userId: row.user_id,
    contentHash: row.content_hash,
    creationTime: Number(row.creation_time),
    lastUpdatedTime: Number(row.last_updated_time),
    tags,
    aliases: [...aliases].sort(),
    currentStage: row.current_stage,
  };
}

export function modelNotFound(name: string): MlpError {
  return new MlpError('NOT_FOUND', `Registered model '${name}' not found. List models with \`mlp models ls\`.`, { details: { name } });
}

export function versionNotFound(name: string, version: number): MlpError {
  return new MlpError('NOT_FOUND', `Model '${name}' has no version ${version}. List them with \`mlp models versions ${name}\`.`, {
    details: { name, version },
  });
}

export function aliasNotFound(name: string, alias: string): MlpError {
  return new MlpError(
    'NOT_FOUND',
    `Model '${name}' has no alias '${alias}'. Set it with \`mlp models alias set ${name} ${alias} <version>\`.`,
    {
      details: { name, alias },
    },
  );
}
