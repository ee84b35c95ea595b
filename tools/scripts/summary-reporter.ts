import { writeSync } from 'node:fs';
import type { Reporter, TestModule } from 'vitest/node';

/**
 * Prints one plain closing line, `tests: N passed, N failed, N skipped`, that any CI log reader can
 * parse, as the last thing vitest prints (after the coverage report when there is one).
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    for (const module of testModules) {
      const tests = [...module.children.allTests()];
      if (module.state() === 'failed' && tests.length === 0) counts.failed += 1; // a file that failed to load
      for (const test of tests) {
        const state = test.result().state;
        if (state === 'passed') counts.passed += 1;
        else if (state === 'failed') counts.failed += 1;
        else counts.skipped += 1;
      }
    }
    const line = `\ntests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`;
    // Coverage tables are printed after this hook; the line goes out last, as the process exits.
    process.once('exit', () => writeSync(1, line));
  }
}
