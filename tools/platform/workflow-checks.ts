// What the GitHub Actions workflows' check reads out of their shell scripts: the `mlp` invocations,
// `npm run` scripts and repository paths they call. A small shell tokenizer, enough for our scripts.

/** The script without comment lines and with line continuations joined. */
function code(script: string): string {
  return script
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .filter((line) => !line.trim().startsWith('#'))
    .join('\n');
}

/** Words of a command line: quotes removed, stopping at a pipe, `;`, `&&`, `>`, `)` or the line's end. */
function words(text: string): string[] {
  const result: string[] = [];
  const pattern = /"([^"]*)"|'([^']*)'|([^\s|;&<>()"']+)|([|;&<>()])/g;
  for (const match of text.matchAll(pattern)) {
    if (match[4] !== undefined) break;
    result.push(match[1] ?? match[2] ?? match[3] ?? '');
  }
  return result;
}

/** Every `mlp ...` (or `npx mlp ...`) command in the script, as its words after `mlp`. */
export function mlpInvocations(script: string): string[][] {
  const invocations: string[][] = [];
  for (const line of code(script).split('\n'))
    for (const match of line.matchAll(/(?:^|[\s;&|(`])(?:npx\s+)?mlp(?=\s)/g))
      invocations.push(words(line.slice((match.index ?? 0) + match[0].length)));
  return invocations;
}

/** Every `npm run NAME` and `npm test` in the script: the package.json scripts it needs. */
export function npmScripts(script: string): string[] {
  const names: string[] = [];
  for (const match of code(script).matchAll(/\bnpm\s+(?:run(?:-script)?\s+([\w:.-]+)|(test|start)\b)/g))
    names.push(match[1] ?? match[2] ?? '');
  return names;
}

/** Repository paths the script names (examples/…, deploy/…, tools/…, packages/…, docs/…, .ci/…). */
export function repositoryPaths(script: string): string[] {
  const found = new Set<string>();
  for (const line of code(script).split('\n'))
    for (const word of words(line.replace(/[|;&<>()]/g, ' ')))
      if (/^(?:\.\/)?(?:examples|deploy|tools|packages|docs|\.ci)\/[\w./-]+$/.test(word)) found.add(word.replace(/^\.\//, ''));
  return [...found];
}

/** The global options of `mlp` and whether each takes a value. */
const globalOptions: Record<string, boolean> = { '--json': false, '-C': true, '--workspace': true, '--log-level': true };

/** Splits an invocation's words into the global options and the rest (command, arguments, options). */
export function withoutGlobalOptions(invocation: string[]): string[] {
  const rest: string[] = [];
  for (let i = 0; i < invocation.length; i++) {
    const word = invocation[i] as string;
    const name = word.split('=')[0] as string;
    if (name in globalOptions) {
      if (globalOptions[name] && !word.includes('=')) i++;
      continue;
    }
    rest.push(word);
  }
  return rest;
}
