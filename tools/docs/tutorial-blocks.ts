// The steps of docs/tutorial.md as tools/docs/tutorial.int.test.ts follows them, and how it compares
// what a command printed with the output the tutorial shows.
//
// The convention, in the info string of a fenced block (GitHub shows only the language):
//
//   ```sh tutorial                 run in order, in one reader's terminal state, with `bash -e -o pipefail`; exits 0
//   ```sh tutorial background=NAME  a second terminal: started and left running until a later block says
//                                  `stop=NAME` or the tutorial ends, then stopped as Ctrl-C stops it (SIGINT)
//   ```sh tutorial stop=NAME        stop the background block NAME first (the text says "Ctrl-C")
//   ```sh tutorial until            a command the reader re-runs to watch something happen: re-run until it
//                                  exits 0 and its output shows what the tutorial shows
//
// A bare ``` block right after a tutorial block (blank lines between at most) is what it printed; its
// lines must appear in the command's output, compared by shape (normalizeLine: ids, hashes, times,
// numbers, durations and paths differ from run to run). A line `...` stands for lines left out.
// Placeholders the reader fills in from an earlier output (RUN_ID, PORT, SERVE_PORT, TRIAL_RUN_ID)
// are filled in by the test when the block runs.

export interface TutorialStep {
  /** The 1-based line of the block's opening fence. */
  line: number;
  code: string;
  background?: string;
  stop?: string;
  until: boolean;
  /** The output block that follows, if any. */
  expected?: string;
}

export function tutorialSteps(markdown: string): TutorialStep[] {
  const fences = [...markdown.matchAll(/^```([^\n]*)\n([\s\S]*?)^```[ \t]*$/gm)];
  const steps: TutorialStep[] = [];
  for (const [index, fence] of fences.entries()) {
    const words = (fence[1] ?? '').trim().split(/\s+/);
    if (words[0] !== 'sh' || !words.includes('tutorial')) continue;
    const option = (name: string) => words.find((word) => word.startsWith(`${name}=`))?.slice(name.length + 1);
    const next = fences[index + 1];
    const end = (fence.index ?? 0) + fence[0].length;
    const adjacent = next !== undefined && (next[1] ?? '').trim() === '' && markdown.slice(end, next.index).trim() === '';
    const background = option('background');
    const stop = option('stop');
    steps.push({
      line: markdown.slice(0, fence.index).split('\n').length,
      code: fence[2] ?? '',
      ...(background ? { background } : {}),
      ...(stop ? { stop } : {}),
      until: words.includes('until'),
      ...(adjacent ? { expected: next[2] ?? '' } : {}),
    });
  }
  return steps;
}

/** One line reduced to its shape: what stays the same from one run of the tutorial to the next. */
export function normalizeLine(line: string): string {
  return (
    line
      // URLs' hosts and ports, and absolute paths (the reader's home, the clone).
      .replace(/https?:\/\/[^\s/"]+/g, '<url>')
      .replace(/(^|[\s(='"])\/[^\s,:'")]+/g, '$1<path>')
      // Times: ISO (2026-12-03T15:14:34.798Z), dates with times (2026-12-03 15:10[:33]), clock times.
      .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g, '<time>')
      .replace(/\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?/g, '<time>')
      .replace(/\b\d{2}:\d{2}:\d{2}\b/g, '<time>')
      // Run ids, content hashes, short ids (run-9b925daa): hex of 8 or more characters with a digit.
      .replace(/\b(?=[0-9a-f]*\d)[0-9a-f]{8,}\b/g, '<hex>')
      // Durations (87620 ms, 66ms, 40.6s, 1m 23s) before plain numbers.
      .replace(/\b\d+(\.\d+)? ?ms\b/g, '<duration>')
      .replace(/\b(\d+h )?(\d+m )?\d+(\.\d+)?s\b/g, '<duration>')
      // Numbers: 3,000,000, 0.6276108582691526, -3, 1e-7.
      .replace(/-?\d[\d,]*(\.\d+)?(e-?\d+)?/g, '<n>')
      // What a model predicts, and whether a search stopped a trial early, differ from run to run.
      .replace(/\b(true|false)\b/g, '<bool>')
      .replace(/\b(FINISHED|KILLED)\b/g, '<trial status>')
      .replace(/\s+/g, ' ')
      .trim()
  );
}

/** The expected lines whose shape appears in none of the output's lines. */
export function missingLines(expected: string, output: string): string[] {
  const seen = new Set(output.split('\n').map(normalizeLine));
  return expected
    .split('\n')
    .filter((line) => line.trim() !== '' && line.trim() !== '...')
    .filter((line) => !seen.has(normalizeLine(line)));
}
