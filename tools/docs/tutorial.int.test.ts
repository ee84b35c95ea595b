import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createTempDir } from '@mlp/core/testing';
import { describe, expect, it } from 'vitest';
import { missingLines, type TutorialStep, tutorialSteps } from './tutorial-blocks.js';
import { type BackgroundTerminal, openTerminals, type ShellResult, type Terminals, waitFor } from './tutorial-terminals.js';

// docs/tutorial.md can be followed as written: its `sh tutorial` blocks run in order (the convention is
// in tutorial-blocks.ts) with HOME a fresh folder, from the clone's root as the tutorial says, through
// `npx mlp` (the repository's built CLI) on the embedded database. Exported variables carry from one
// block to the next as in a reader's terminal; `background=NAME` blocks are the other terminals, stopped
// with Ctrl-C when a block says `stop=NAME` and at the end. Each block must exit 0 and print what the
// output block after it shows, by shape. The tutorial's own parameters keep it short (a 4-trial search
// on 30,000 rows); its last block cancels the retraining run an alert starts.
const root = path.resolve(import.meta.dirname, '..', '..');
/** How long a block the reader re-runs (`until`), or a value an earlier block must print first, is waited for. */
const waitTimeoutMs = 10 * 60_000;

/** The values the reader copies from an earlier output; undefined while there is nothing to copy yet. */
function placeholders(terminals: Terminals, backgrounds: Map<string, BackgroundTerminal>) {
  const mlpJson = async (args: string): Promise<unknown> => {
    const result = await terminals.run(`npx mlp ${args} --json`, { timeoutMs: 120_000, keepExports: false });
    if (result.code !== 0) throw new Error(`mlp ${args} failed:\n${result.output}`);
    return JSON.parse(result.stdout);
  };
  // In this order: TRIAL_RUN_ID before RUN_ID, SERVE_PORT before PORT.
  return {
    /** "the champion's trial": the best finished trial, version 1's source. */
    TRIAL_RUN_ID: async () => {
      type Run = { run_id: string; run_name: string; status: string; metrics: Record<string, number> };
      const [best] = ((await mlpJson('runs ls -e flights-delay')) as Run[])
        .filter((run) => run.run_name.startsWith('trial-') && run.status === 'FINISHED' && typeof run.metrics.val_auc === 'number')
        .sort((a, b) => (b.metrics.val_auc ?? 0) - (a.metrics.val_auc ?? 0));
      return best?.run_id;
    },
    /** "the URL `mlp serve` printed". */
    SERVE_PORT: async () => /Serving at http:\/\/[^\s:]+:(\d+)/.exec(backgrounds.get('serve')?.output() ?? '')?.[1],
    /** The newest pipeline run: the one the section just started. */
    RUN_ID: async () => ((await mlpJson('pipeline runs --limit 1')) as Array<{ run_id: string }>)[0]?.run_id,
    /** The deployment's router, once the agent runs it. */
    PORT: async () => {
      const { endpoint } = (await mlpJson('deploy show flights-delay')) as { endpoint: string | null };
      return endpoint ? new URL(endpoint).port : undefined;
    },
  } satisfies Record<string, () => Promise<string | undefined>>;
}

async function filled(code: string, values: Record<string, () => Promise<string | undefined>>): Promise<string | undefined> {
  let result = code;
  for (const [name, value] of Object.entries(values)) {
    const pattern = new RegExp(`\\b${name}\\b`, 'g');
    if (!pattern.test(result)) continue;
    const resolved = await value();
    if (resolved === undefined) return undefined;
    result = result.replace(pattern, resolved);
  }
  return result;
}

describe('docs/tutorial.md', () => {
  it(
    'can be followed as written',
    async () => {
      const cli = path.join(root, 'packages', 'cli', 'dist', 'bin.js');
      if (!existsSync(cli)) throw new Error(`${cli} is missing: build first (npm run build), as npm test does.`);
      const steps = tutorialSteps(readFileSync(path.join(root, 'docs', 'tutorial.md'), 'utf8'));
      expect(steps.length, 'docs/tutorial.md has no `sh tutorial` blocks').toBeGreaterThan(10);

      const home = await createTempDir('mlp-tutorial-');
      const terminals = openTerminals({ cwd: root, home: home.path, stateFile: path.join(home.path, '.tutorial-terminal') });
      const backgrounds = new Map<string, BackgroundTerminal>();
      const values = placeholders(terminals, backgrounds);
      const timings: string[] = [];
      const attempt = async (step: TutorialStep): Promise<{ shell: ShellResult; missing: string[] }> => {
        const code = await waitFor(`the values docs/tutorial.md:${step.line} needs`, () => filled(step.code, values), waitTimeoutMs);
        const shell = await terminals.run(code);
        return { shell, missing: step.expected === undefined ? [] : missingLines(step.expected, shell.output) };
      };
      const otherTerminals = () => [...backgrounds].map(([name, terminal]) => `--- ${name}:\n${terminal.output().slice(-4000)}`).join('\n');

      try {
        for (const step of steps) {
          const where = `docs/tutorial.md:${step.line}`;
          const started = performance.now();
          if (step.stop) {
            const background = backgrounds.get(step.stop);
            if (!background) throw new Error(`${where} stops ${step.stop}, which no earlier block started`);
            await background.stop();
            backgrounds.delete(step.stop);
          }
          if (step.background) {
            const code = await waitFor(`the values ${where} needs`, () => filled(step.code, values), waitTimeoutMs);
            const terminal = terminals.start(code);
            backgrounds.set(step.background, terminal);
            // The reader goes on once it shows what the tutorial shows (the scheduler listening, the server's URL).
            const expected = step.expected;
            if (expected !== undefined) {
              await waitFor(
                `${where} to print what the tutorial shows`,
                async () =>
                  terminal.exitCode() !== undefined || missingLines(expected, terminal.output()).length === 0 ? true : undefined,
                waitTimeoutMs,
              );
              expect(terminal.exitCode(), `${where} exited:\n${terminal.output()}`).toBeUndefined();
            }
            timings.push(`${where} ${((performance.now() - started) / 1000).toFixed(1)} s to start`);
            continue;
          }
          let last = await attempt(step);
          const deadline = Date.now() + waitTimeoutMs;
          while (step.until && (last.shell.code !== 0 || last.missing.length > 0) && Date.now() < deadline) {
            await new Promise((resolve) => setTimeout(resolve, 2_000));
            last = await attempt(step);
          }
          expect(last.shell.code, `${where} exited ${last.shell.code}:\n${last.shell.output}\n${otherTerminals()}`).toBe(0);
          expect(last.missing, `${where}: the output shown is not what it printed:\n${last.shell.output}\n${otherTerminals()}`).toEqual([]);
          timings.push(`${where} ${((performance.now() - started) / 1000).toFixed(1)} s`);
        }
      } finally {
        for (const background of backgrounds.values()) await background.stop();
        // The last process to close the workspace stops its embedded server; one a killed process left is stopped here.
        const pidFile = path.join(home.path, 'flights-ws', '.mlp', 'db', 'postmaster.pid');
        const stopped = await waitFor('the embedded server to stop', async () => (existsSync(pidFile) ? undefined : true), 30_000).catch(
          () => false,
        );
        if (!stopped && existsSync(pidFile)) {
          try {
            process.kill(Number(readFileSync(pidFile, 'utf8').split('\n')[0]), 'SIGINT'); // PostgreSQL's fast shutdown
          } catch {
            // gone meanwhile
          }
        }
        console.log(`docs/tutorial.md followed, block by block:\n  ${timings.join('\n  ')}`);
        await home.remove();
      }
    },
    45 * 60_000,
  );
});
