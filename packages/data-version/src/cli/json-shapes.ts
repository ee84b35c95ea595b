import { datasetVersionJson } from '@mlp/core';
import type { AddedEntry } from '../dvc/add-paths.js';
import type { CheckoutReport } from '../dvc/checkout.js';
import type { GcReport } from '../dvc/gc.js';
import type { RemoteInfo } from '../dvc/remote-config.js';
import type { StatusReport } from '../dvc/status.js';
import type { TransferReport } from '../dvc/transfer.js';
import type { IngestResult } from '../ingest/ingest-options.js';

// The `--json` shapes of `mlp data`: snake_case keys, times in epoch milliseconds, absent values as null
// (docs/cli-json.md). The SDK's camelCase objects stay as they are; only the CLI prints these. A dataset,
// its versions and uses print as core's `datasetSummaryJson`/`datasetVersionJson`, the web UI's shapes too.

export function addedJson(entry: AddedEntry) {
  return { path: entry.path, md5: entry.md5, size: entry.size, nfiles: entry.nfiles ?? null };
}

export function statusJson(report: StatusReport) {
  return {
    clean: report.clean,
    entries: report.entries.map((entry) => ({
      path: entry.path,
      dvc_file: entry.dvcFile,
      status: entry.status,
      md5: entry.md5 ?? null,
      changes: entry.changes ? { added: entry.changes.added, modified: entry.changes.modified, deleted: entry.changes.deleted } : null,
    })),
  };
}

export function checkoutJson(report: CheckoutReport) {
  return {
    changed: report.changed,
    unchanged: report.unchanged,
    failed: report.failed.map((failure) => ({ path: failure.path, reason: failure.reason })),
    files: report.files,
  };
}

export function transferJson(report: TransferReport) {
  return {
    remote: report.remote,
    transferred: report.transferred,
    skipped: report.skipped,
    bytes: report.bytes,
    failed: report.failed.map((failure) => ({ object: failure.object, reason: failure.reason })),
    missing: report.missing,
  };
}

export function pullJson(report: TransferReport & { checkout: CheckoutReport }) {
  return { ...transferJson(report), checkout: checkoutJson(report.checkout) };
}

export function gcJson(report: GcReport) {
  return { dry_run: report.dryRun, removed: report.removed, bytes: report.bytes, kept: report.kept };
}

export function remoteJson(remote: RemoteInfo) {
  return { name: remote.name, url: remote.url, default: remote.default, endpoint: remote.endpoint ?? null, region: remote.region ?? null };
}

export function ingestJson(result: IngestResult) {
  return {
    ref: result.version.ref,
    root_hash: result.version.rootHash,
    created: result.created,
    path: result.path,
    format: result.format,
    rows: result.rows,
    bytes: result.bytes,
    version: datasetVersionJson(result.version),
  };
}
