// What the web UI benches share: Debian's Chromium, the 10,000-run table's runs, the scroll they time.
import { chromium } from 'playwright-core';

export function launchBenchChromium() {
  return chromium.launch({
    executablePath: process.env.MLP_CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** `runs` runs with 5 params and 5 metrics each in an experiment, 50 at a time. */
export async function logTableRuns(tracking, experimentId, runs) {
  for (let start = 0; start < runs; start += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, runs - start) }, async (_, j) => {
        const i = start + j;
        const run = await tracking.createRun({ experimentId, name: `run-${i}` });
        await tracking.logBatch(run.runId, {
          params: Array.from({ length: 5 }, (_, k) => ({ key: `p${k}`, value: String((i * (k + 1)) % 97) })),
          metrics: Array.from({ length: 5 }, (_, k) => ({ key: `m${k}`, value: Math.sin(i + k), timestamp: Date.now(), step: 0 })),
        });
      }),
    );
  }
}

/**
 * Runs in the page (`page.evaluate(scrollToEnd, selector)`): scrolls the element to its end a viewport
 * a step, two frames a step, recording long tasks (PerformanceObserver). Self-contained: it is sent as text.
 */
export async function scrollToEnd(selector) {
  const seen = { longest_ms: 0, count: 0, steps: 0 };
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      seen.longest_ms = Math.max(seen.longest_ms, Math.round(entry.duration));
      seen.count++;
    }
  });
  observer.observe({ type: 'longtask', buffered: false });
  const body = document.querySelector(selector);
  while (body.scrollTop + body.clientHeight < body.scrollHeight - 1) {
    body.scrollTop += body.clientHeight;
    seen.steps++;
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
  observer.disconnect();
  return seen;
}
