import { coreMigrations } from '@mlp/core';
import type { Command } from 'commander';
import type { CliContext } from '../command-module.js';
import type { DoctorReport } from '../doctor/doctor-check.js';
import { runDoctor } from '../doctor/run-doctor.js';
import { doctorJson } from '../json-shapes.js';
import type { TextTable } from '../output.js';

/** ✓ passed, ✗ a required check failed, - an optional backend is absent. */
export function doctorTable(report: DoctorReport): TextTable {
  const failed = report.checks.filter((check) => check.required && !check.ok).length;
  return {
    rows: report.checks.map((check) => [check.ok ? '✓' : check.required ? '✗' : '-', check.name, check.detail]),
    footer: failed === 0 ? '\nAll required checks passed.' : `\n${failed} required check${failed === 1 ? '' : 's'} failed.`,
  };
}

export function registerDoctorCommand(program: Command, context: CliContext): void {
  program
    .command('doctor')
    .description('check Node.js, the configuration, the database, migrations, the blob store and optional backends')
    .action(async () => {
      const migrations = context.migrations.some((set) => set.package === coreMigrations.package)
        ? context.migrations
        : [coreMigrations, ...context.migrations];
      const report = await runDoctor({
        dir: context.workspaceDir,
        env: context.env,
        logger: context.logger,
        migrations,
        onProgress: (message) => context.progress(message),
      });
      context.output(doctorTable(report), doctorJson(report));
      if (!report.ok) context.setExitCode(1);
    });
}
