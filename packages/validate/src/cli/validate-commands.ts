import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CliCommandModule, CliContext } from '@mlp/cli';
import { MlpError, writeFileAtomic } from '@mlp/core';
import { openDuckDbEngine } from '../duckdb/duckdb-engine.js';
import { migrations } from '../generated/migrations.js';
import { profileSuite } from '../profile/profile-suite.js';
import { renderHtmlReport } from '../report/html-report.js';
import { validationResultsReader } from '../store/validation-results-reader.js';
import { openValidationStore } from '../store/validation-store.js';
import { parseSuite, suiteToJson } from '../suite/suite.js';
import { humanSummary } from './human-summary.js';
import { validationJson } from './json-shapes.js';

type Program = Parameters<CliCommandModule['register']>[0];

interface ValidateFlags {
  suite?: string;
  report?: string;
  datasetVersion?: string;
  runId?: string;
  store: boolean;
}

interface ProfileFlags {
  out: string;
  name?: string;
  margin?: string;
}

async function readSuite(file: string) {
  const text = await readFile(file, 'utf8').catch((error: unknown) => {
    throw new MlpError('NOT_FOUND', `Cannot read suite ${file}: ${(error as Error).message}`, { cause: error });
  });
  return parseSuite(text);
}

function registerValidate(program: Program, context: CliContext): void {
  const command = program
    .command('validate')
    .description(
      'validate a data file (CSV, TSV, Parquet, JSONL, JSON) against an expectation suite; exits 1 when an error-severity expectation fails',
    )
    .argument('<data>', 'the data file')
    // Not a commander requiredOption: commander would demand it of `validate profile` too.
    .option('--suite <file>', 'the expectation suite (JSON); required')
    .option('--report <file>', 'write a self-contained HTML report there')
    .option('--dataset-version <ref>', 'link the stored result to a dataset version, such as flights@3')
    .option('--run-id <id>', 'link the stored result to a tracking run')
    .option('--no-store', 'do not store the result in the workspace database')
    .action(async (data: string, flags: ValidateFlags) => {
      if (!flags.suite)
        throw new MlpError(
          'INVALID_ARGUMENT',
          'mlp validate needs --suite SUITE.json (write one with mlp validate profile DATA --out SUITE.json).',
        );
      const suite = await readSuite(flags.suite);
      const engine = await openDuckDbEngine(data);
      let result: Awaited<ReturnType<typeof engine.validate>>;
      let validationId: string | undefined;
      try {
        result = await engine.validate(suite, { onProgress: (event) => context.progress(event.message) });
      } finally {
        await engine.close();
      }
      if (flags.report) {
        await writeFileAtomic(flags.report, renderHtmlReport(result));
      }
      if (flags.store) {
        const store = await openValidationStore(await context.openWorkspace({ applicationName: 'mlp validate' }));
        validationId = await store.save(result, {
          ...(flags.datasetVersion ? { datasetVersion: flags.datasetVersion } : {}),
          ...(flags.runId ? { runId: flags.runId } : {}),
        });
      }
      context.output(humanSummary({ ...result, validationId }, flags.report), validationJson(result, validationId));
      if (!result.success) context.setExitCode(1);
    });

  command
    .command('profile')
    .description('infer an editable expectation suite from reference data')
    .argument('<data>', 'the reference data file')
    .requiredOption('--out <file>', 'where to write the suite (JSON)')
    .option('--name <name>', 'the suite name (default: the data file name)')
    .option('--margin <share>', 'widen observed ranges by this share of the range on each side', '0.1')
    .action(async (data: string, flags: ProfileFlags) => {
      const margin = Number(flags.margin ?? '0.1');
      if (!(margin >= 0)) throw new MlpError('INVALID_ARGUMENT', `--margin ${flags.margin} is not a non-negative number.`);
      context.progress(`profiling ${data}`);
      const engine = await openDuckDbEngine(data);
      let suite: Awaited<ReturnType<typeof profileSuite>>;
      try {
        suite = await profileSuite(engine, {
          name: flags.name ?? path.basename(data).replace(/\.[^.]+$/, ''),
          rangeMargin: margin,
          source: data,
        });
      } finally {
        await engine.close();
      }
      const json = suiteToJson(suite);
      await writeFileAtomic(flags.out, `${JSON.stringify(json, null, 2)}\n`);
      context.output(
        `Wrote ${suite.expectations.length} expectations for ${data} to ${flags.out}; edit them, then run mlp validate ${data} --suite ${flags.out}`,
        {
          out: flags.out,
          suite: json,
        },
      );
    });
}

/** The validate commands of `mlp`: `validate DATA --suite SUITE.json` and `validate profile DATA --out SUITE.json`. */
export const validateCommands: CliCommandModule = {
  name: 'validate',
  migrations: [migrations],
  // `mlp server`'s web UI shows stored results and their reports through this.
  services: { validationResults: async (context) => validationResultsReader(await openValidationStore(await context.openWorkspace())) },
  register(program, context) {
    registerValidate(program, context);
  },
};
