// Splits a Chromium trace's renderer main-thread tasks' CPU time (`tdur`) into script / style /
// layout / paint / gc / other by self time (an event's time less its children's), beside each task's
// wall time (`dur`): on a loaded machine the gap between them is time spent waiting for a core.

/** The trace categories `analyzeMainThread` needs (playwright's `browser.startTracing(page, { categories })`). */
export const traceCategories = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel', 'v8.execute', 'blink_gc'];

const classes = [
  ['gc', (n) => /GC|Sweep|Scavenge|MarkCompact|Finalize/i.test(n)],
  [
    'script',
    (n) =>
      /^(FunctionCall|EvaluateScript|v8\.|V8\.Execute|TimerFire|FireAnimationFrame|EventDispatch|RunMicrotasks|XHRReadyStateChange|FireIdleCallback|ParseHTML)/.test(
        n,
      ),
  ],
  ['style', (n) => /^(UpdateLayoutTree|RecalculateStyles|ParseAuthorStyleSheet)/.test(n)],
  ['layout', (n) => /^(Layout|IntersectionObserverController|ComputeIntersections)/.test(n)],
  ['paint', (n) => /^(Paint|PrePaint|Layerize|UpdateLayer|UpdateLayerTree|CompositeLayers|Commit|PaintImage|Decode|HitTest)/.test(n)],
];
const classify = (name) => classes.find(([, test]) => test(name))?.[0];
const isTask = (name) => name === 'RunTask' || name === 'ThreadControllerImpl::RunTask';
const round = (x) => Math.round(x * 10) / 10;

/** Sums over the busiest renderer main thread's tasks (all, and those over `longMs` of wall time), in ms. */
export function analyzeMainThread(trace, { longMs = 50 } = {}) {
  const events = trace.traceEvents ?? trace;
  const threads = new Map();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') threads.set(`${e.pid}:${e.tid}`, e.args.name);
  const busy = new Map();
  for (const e of events) {
    const thread = `${e.pid}:${e.tid}`;
    if (e.ph === 'X' && isTask(e.name) && threads.get(thread) === 'CrRendererMain') busy.set(thread, (busy.get(thread) ?? 0) + e.dur);
  }
  const main = [...busy].sort((a, b) => b[1] - a[1])[0]?.[0];
  const own = events.filter((e) => e.ph === 'X' && `${e.pid}:${e.tid}` === main).sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const tasks = [];
  const stack = [];
  for (const e of own) {
    while (stack.length && stack.at(-1).end <= e.ts) stack.pop();
    const dur = (e.dur ?? 0) / 1000;
    const cpu = (e.tdur ?? 0) / 1000;
    if (stack.length === 0) {
      if (!isTask(e.name)) continue;
      tasks.push({ ms: dur, cpu_ms: cpu, cpu: { other: cpu } });
      stack.push({ end: e.ts + e.dur, cls: 'other' });
      continue;
    }
    // CPU time (tdur) by class: what the work costs, whatever the machine's load.
    const parts = tasks.at(-1).cpu;
    const parent = stack.at(-1).cls;
    const cls = classify(e.name) ?? parent;
    parts[cls] = (parts[cls] ?? 0) + cpu;
    parts[parent] -= cpu;
    stack.push({ end: e.ts + (e.dur ?? 0), cls });
  }
  const sum = (list) => {
    const out = { tasks: list.length, ms: 0, cpu_ms: 0 };
    for (const t of list) {
      out.ms += t.ms;
      out.cpu_ms += t.cpu_ms;
      for (const [k, v] of Object.entries(t.cpu)) out[`cpu_${k}`] = (out[`cpu_${k}`] ?? 0) + v;
    }
    return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, round(v)]));
  };
  const long = tasks.filter((t) => t.ms > longMs).sort((a, b) => b.ms - a.ms);
  return { all: sum(tasks), long: sum(long), longest: long[0] ? { ms: round(long[0].ms), cpu_ms: round(long[0].cpu_ms) } : null };
}
