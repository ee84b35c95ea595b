import { readFile } from 'node:fs/promises';
import { type CliCommandModule, type CliContext, renderTable } from '@mlp/cli';
import { MlpError, plural } from '@mlp/core';
import { modelVersionJson, registeredModelJson } from '../mlflow-routes/mlflow-json.js';
import type { RegisteredModel } from '../model.js';
import type { GateOutcome } from '../promotion/gate-types.js';
import { parseStage } from '../stages.js';
import { gatesTable, historyTable, modelsTable, versionsTable } from './human-format.js';
import { auditJson } from './json-shapes.js';
import { openCliRegistry } from './open-cli-registry.js';

type Program = Parameters<CliCommandModule['register']>[0];

function parseVersion(text: string): number {
  if (!/^[1-9]\d*$/.test(text))
    throw new MlpError('INVALID_ARGUMENT', `Invalid version ${JSON.stringify(text)}: versions are whole numbers from 1.`);
  return Number(text);
}

async function readJsonFile(file: string, what: string): Promise<unknown> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new MlpError(error.code === 'ENOENT' ? 'NOT_FOUND' : 'INVALID_ARGUMENT', `Cannot read ${what} ${file}: ${error.message}.`);
  });
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new MlpError('INVALID_ARGUMENT', `${what} ${file} is not valid JSON: ${(error as Error).message}.`);
  }
}

/** `mlp models …`: registered models, versions, promotion through gates, aliases, history and downloads. */
export function registerModelCommands(program: Program, context: CliContext): void {
  const models = program.command('models').description('the model registry: models, versions, aliases, promotions, history');

  models
    .command('ls')
    .alias('list')
    .description('list registered models')
    .option('--name-contains <text>', 'only models whose name contains this (case-insensitive)')
    .action(async (flags: { nameContains?: string }) => {
      const registry = await openCliRegistry(context);
      const found: RegisteredModel[] = [];
      let pageToken: string | undefined;
      do {
        const page = await registry.listModels({
          maxResults: 1000,
          ...(flags.nameContains ? { nameContains: flags.nameContains } : {}),
          ...(pageToken ? { pageToken } : {}),
        });
        found.push(...page.items);
        pageToken = page.nextPageToken;
      } while (pageToken);
      const human =
        found.length === 0 ? 'No registered models. Register one with `mlp models register RUN_ID --name NAME`.' : modelsTable(found);
      context.output(
        human,
        found.map((model) => registeredModelJson(model)),
      );
    });

  models
    .command('show')
    .description('a model with its versions, gates and traffic split')
    .argument('<name>', 'the registered model')
    .action(async (name: string) => {
      const registry = await openCliRegistry(context);
      const [model, versions, gates, split] = await Promise.all([
        registry.getModel(name),
        registry.listVersions(name),
        registry.getGates(name),
        registry.getTrafficSplit(name),
      ]);
      const lines = [
        `${model.name}${model.description ? ` — ${model.description}` : ''}`,
        `aliases: ${
          Object.entries(model.aliases)
            .map(([alias, version]) => `${alias}→${version}`)
            .join(', ') || 'none'
        }`,
        `gates: ${gates.length === 0 ? 'none' : gates.map((gate) => JSON.stringify(gate)).join(' ')}`,
        ...(split ? [`traffic: ${split.weights.map((entry) => `${entry.alias} ${entry.weight}`).join(', ')}`] : []),
        '',
      ];
      context.output(`${lines.join('\n')}${versions.length ? renderTable(versionsTable(versions)) : 'No versions yet.'}`, {
        ...registeredModelJson(model),
        versions: versions.map(modelVersionJson),
        gates,
        traffic_split: split ?? null,
      });
    });

  models
    .command('create')
    .description('create a registered model')
    .argument('<name>', 'a unique name')
    .option('--description <text>', 'what the model is for')
    .action(async (name: string, flags: { description?: string }) => {
      const registry = await openCliRegistry(context);
      const model = await registry.createModel({ name, ...(flags.description ? { description: flags.description } : {}) });
      context.output(`Created registered model ${JSON.stringify(model.name)}.`, registeredModelJson(model));
    });

  models
    .command('delete')
    .description('delete a registered model with its versions and aliases (its history stays)')
    .argument('<name>', 'the registered model')
    .action(async (name: string) => {
      const registry = await openCliRegistry(context);
      await registry.deleteModel(name);
      context.output(`Deleted registered model ${JSON.stringify(name)}.`, { name, deleted: true });
    });

  models
    .command('register')
    .description('register a new version from a run (its `model` artifact, or runs:/RUN_ID/PATH) or a model package folder')
    .argument('<source>', 'a run id, runs:/<run id>/<path>, or a folder')
    .requiredOption('--name <name>', 'the registered model (created when missing)')
    .option('--description <text>', 'what changed in this version')
    .option('--signature <file>', 'a JSON signature file (default: signature.json in the model files, if any)')
    .action(async (source: string, flags: { name: string; description?: string; signature?: string }) => {
      const registry = await openCliRegistry(context);
      const signature = flags.signature ? ((await readJsonFile(flags.signature, 'signature file')) as Record<string, unknown>) : undefined;
      const version = await registry.registerVersion({
        name: flags.name,
        source,
        ...(flags.description ? { description: flags.description } : {}),
        ...(signature ? { signature } : {}),
        onProgress: (done, total) => context.progress(`copying model files ${done}/${total}`),
      });
      context.output(
        `Registered ${JSON.stringify(version.name)} version ${version.version} (${version.status}, sha256 ${version.contentHash?.slice(0, 12)}…) from ${version.source}.`,
        modelVersionJson(version),
      );
    });

  models
    .command('versions')
    .description("list a model's versions")
    .argument('<name>', 'the registered model')
    .action(async (name: string) => {
      const registry = await openCliRegistry(context);
      const versions = await registry.listVersions(name);
      context.output(
        versions.length === 0 ? `Model ${JSON.stringify(name)} has no versions yet.` : versionsTable(versions),
        versions.map(modelVersionJson),
      );
    });

  models
    .command('promote')
    .description('move an alias to a version through the model’s gates (exit 1 listing the failed gates when blocked)')
    .argument('<name>', 'the registered model')
    .argument('<version>', 'the version to promote')
    .requiredOption('--alias <alias>', 'the alias to move, such as champion')
    .option('--reason <text>', 'why (recorded in the history; required with --force)')
    .option('--force', 'move the alias even when gates fail (recorded as forced)')
    .action(async (name: string, versionText: string, flags: { alias: string; reason?: string; force?: boolean }) => {
      const registry = await openCliRegistry(context);
      const version = parseVersion(versionText);
      try {
        const decision = await registry.promote(name, version, {
          alias: flags.alias,
          ...(flags.reason ? { reason: flags.reason } : {}),
          ...(flags.force ? { force: true } : {}),
        });
        const verb = decision.outcome === 'forced' ? 'Forced' : 'Promoted';
        context.output(
          `${verb} ${name} version ${version} to ${flags.alias}${decision.previousVersion ? ` (was version ${decision.previousVersion})` : ''}.${decision.gates.length ? `\n${renderTable(gatesTable(decision.gates))}` : ''}`,
          {
            promoted: true,
            outcome: decision.outcome,
            name,
            version,
            alias: flags.alias,
            previous_version: decision.previousVersion,
            gates: decision.gates,
          },
        );
      } catch (error) {
        const gates =
          MlpError.isInstance(error) && error.code === 'FAILED_PRECONDITION'
            ? (error.details?.gates as GateOutcome[] | undefined)
            : undefined;
        if (!gates) throw error;
        context.output(
          `Blocked: ${name} version ${version} did not pass the gates for ${flags.alias}.\n${renderTable(gatesTable(gates))}`,
          {
            promoted: false,
            outcome: 'blocked',
            name,
            version,
            alias: flags.alias,
            gates,
            failed_gates: gates.filter((gate) => !gate.passed),
          },
        );
        context.setExitCode(1);
      }
    });

  const alias = models
    .command('alias')
    .description('set or remove an alias (an alias the model’s gates guard moves only through them, as promote)');
  alias
    .command('set')
    .argument('<name>', 'the registered model')
    .argument('<alias>', 'the alias, such as champion')
    .argument('<version>', 'the version it points at')
    .option('--reason <text>', 'why (recorded in the history)')
    .option('--force', 'move an alias the gates guard even when they fail (needs --reason; recorded as forced)')
    .action(async (name: string, aliasName: string, versionText: string, flags: { reason?: string; force?: boolean }) => {
      const registry = await openCliRegistry(context);
      const version = parseVersion(versionText);
      await registry.setAlias(name, aliasName, version, {
        ...(flags.reason ? { reason: flags.reason } : {}),
        ...(flags.force ? { force: true } : {}),
      });
      context.output(`${name}@${aliasName} → version ${version}.`, { name, alias: aliasName, version });
    });
  alias
    .command('rm')
    .alias('delete')
    .argument('<name>', 'the registered model')
    .argument('<alias>', 'the alias to remove')
    .option('--reason <text>', 'why (recorded in the history)')
    .action(async (name: string, aliasName: string, flags: { reason?: string }) => {
      const registry = await openCliRegistry(context);
      await registry.deleteAlias(name, aliasName, flags.reason ? { reason: flags.reason } : {});
      context.output(`Removed alias ${aliasName} of ${name}.`, { name, alias: aliasName, deleted: true });
    });

  models
    .command('stage')
    .description('move a version to an MLflow stage (None, Staging, Production, Archived); aliases are not touched')
    .argument('<name>', 'the registered model')
    .argument('<version>', 'the version to move')
    .argument('<stage>', 'None, Staging, Production or Archived (any case)')
    .option('--archive-existing-versions', 'archive the other versions in that stage (Staging and Production only)')
    .option('--reason <text>', 'why (recorded in the history)')
    .option('--force', 'move to Production or Staging even when the gates guarding it fail (needs --reason; recorded as forced)')
    .action(
      async (
        name: string,
        versionText: string,
        stageText: string,
        flags: { archiveExistingVersions?: boolean; reason?: string; force?: boolean },
      ) => {
        const registry = await openCliRegistry(context);
        const moved = await registry.transitionStage(name, parseVersion(versionText), parseStage(stageText), {
          ...(flags.archiveExistingVersions ? { archiveExistingVersions: true } : {}),
          ...(flags.reason ? { reason: flags.reason } : {}),
          ...(flags.force ? { force: true } : {}),
        });
        context.output(`${name} version ${moved.version} is in ${moved.currentStage}.`, modelVersionJson(moved));
      },
    );

  const gates = models.command('gates').description("declare or show a model's promotion gates");
  gates
    .command('show')
    .argument('<name>', 'the registered model')
    .action(async (name: string) => {
      const registry = await openCliRegistry(context);
      const declared = await registry.getGates(name);
      context.output(
        declared.length === 0 ? `Model ${JSON.stringify(name)} has no gates.` : declared.map((gate) => JSON.stringify(gate)).join('\n'),
        declared,
      );
    });
  gates
    .command('set')
    .argument('<name>', 'the registered model')
    .argument('<file>', 'a JSON file with a list of gates, such as ["metrics.auc >= 0.8", {"type": "data-validated"}]')
    .option('--reason <text>', 'why (recorded in the history)')
    .action(async (name: string, file: string, flags: { reason?: string }) => {
      const registry = await openCliRegistry(context);
      const declared = await registry.setGates(
        name,
        (await readJsonFile(file, 'gates file')) as never,
        flags.reason ? { reason: flags.reason } : {},
      );
      context.output(`Model ${JSON.stringify(name)} now has ${declared.length} gate${declared.length === 1 ? '' : 's'}.`, declared);
    });

  models
    .command('history')
    .description("a model's audit log: registrations, alias moves and gate decisions, who and why")
    .argument('<name>', 'the registered model')
    .action(async (name: string) => {
      const registry = await openCliRegistry(context);
      const entries = await registry.history(name);
      context.output(entries.length === 0 ? `No history for ${JSON.stringify(name)}.` : historyTable(entries), entries.map(auditJson));
    });

  models
    .command('download')
    .description('download a version, checking every file against its registered hash')
    .argument('<model>', 'NAME@ALIAS, NAME/VERSION or models:/… URI')
    .requiredOption('--out <dir>', 'a new or empty folder')
    .action(async (reference: string, flags: { out: string }) => {
      const registry = await openCliRegistry(context);
      const result = await registry.download(reference, flags.out, (done, total) => context.progress(`downloading ${done}/${total} files`));
      context.output(
        `Downloaded ${result.version.name} version ${result.version.version} (${plural(result.files, 'file')}, ${plural(result.bytes, 'byte')}, hashes verified) to ${flags.out}.`,
        {
          ...modelVersionJson(result.version),
          out: flags.out,
          files: result.files,
          bytes: result.bytes,
          content_hash: result.version.contentHash,
        },
      );
    });
}
