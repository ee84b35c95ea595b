import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { formatTime } from '../format';
import { pageForError } from '../pages/message-page';
import { useApi } from '../use-api';
import { enc, type PipelineRun, type PipelineStep, type PipelineTask } from './section-types';
import { usePoll } from './use-poll';
import './sections.css';

interface LogLine {
  id: number;
  step: string;
  map_index: number | null;
  attempt: number;
  time: number;
  level: string;
  message: string;
}

const boxWidth = 150;
const boxHeight = 34;

/** Steps in layers by their `needs` (longest path from a root), drawn as an SVG DAG coloured by task state. */
function RunGraph(props: { steps: PipelineStep[]; tasks: PipelineTask[]; selected: string | undefined; onSelect: (step: string) => void }) {
  const depth = new Map<string, number>();
  const depthOf = (name: string, seen: Set<string> = new Set()): number => {
    const known = depth.get(name);
    if (known !== undefined) return known;
    if (seen.has(name)) return 0;
    seen.add(name);
    const step = props.steps.find((s) => s.name === name);
    const d = step?.needs.length ? 1 + Math.max(...step.needs.map((n) => depthOf(n, seen))) : 0;
    depth.set(name, d);
    return d;
  };
  const steps = props.steps.length
    ? props.steps
    : [...new Set(props.tasks.map((t) => t.name))].map((name) => ({ name, kind: 'task', needs: [] }));
  const layers: string[][] = [];
  for (const step of steps) {
    const d = depthOf(step.name);
    layers[d] = [...(layers[d] ?? []), step.name];
  }
  const place = new Map<string, { x: number; y: number }>();
  for (const [i, layer] of layers.entries())
    for (const [j, name] of (layer ?? []).entries()) place.set(name, { x: 10 + i * (boxWidth + 50), y: 10 + j * (boxHeight + 16) });
  const statusOf = (name: string) => {
    const tasks = props.tasks.filter((t) => t.name === name);
    if (tasks.length === 0) return 'pending';
    for (const s of ['failed', 'upstream_failed', 'running', 'up_for_retry', 'pending', 'cancelled', 'skipped'])
      if (tasks.some((t) => t.status === s)) return s;
    return 'succeeded';
  };
  const width = 20 + layers.length * (boxWidth + 50);
  const height = 20 + Math.max(1, ...layers.map((l) => l.length)) * (boxHeight + 16);
  return (
    <svg class="run-graph" data-testid="run-graph" width={width} height={height} role="img" aria-label="run graph">
      {steps.flatMap((step) =>
        step.needs.map((need) => {
          const from = place.get(need);
          const to = place.get(step.name);
          if (!from || !to) return null;
          return (
            <path
              key={`${need}>${step.name}`}
              class="edge"
              d={`M${from.x + boxWidth},${from.y + boxHeight / 2} C${from.x + boxWidth + 25},${from.y + boxHeight / 2} ${to.x - 25},${to.y + boxHeight / 2} ${to.x},${to.y + boxHeight / 2}`}
            />
          );
        }),
      )}
      {steps.map((step) => {
        const at = place.get(step.name);
        if (!at) return null;
        const status = statusOf(step.name);
        return (
          // biome-ignore lint/a11y/useSemanticElements: an SVG group cannot be a <button>; it takes focus and Enter instead
          <g
            key={step.name}
            class={`task ${status}${props.selected === step.name ? ' selected' : ''}`}
            data-step={step.name}
            data-status={status}
            role="button"
            tabIndex={0}
            onClick={() => props.onSelect(step.name)}
            onKeyDown={(e) => e.key === 'Enter' && props.onSelect(step.name)}
          >
            <rect x={at.x} y={at.y} width={boxWidth} height={boxHeight} rx={5} />
            <text x={at.x + 8} y={at.y + 14}>
              {step.name}
            </text>
            <text class="sub" x={at.x + 8} y={at.y + 28}>
              {status}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

/** A step's log lines, followed (by id) while the run is live. */
function TaskLogs(props: { runId: string; step: string; live: boolean; tick: number }) {
  const [lines, setLines] = useState<LogLine[]>([]);
  const [error, setError] = useState<string>();
  useEffect(() => setLines([]), [props.step]);
  useEffect(() => {
    let current = true;
    const after = lines.length ? lines[lines.length - 1]?.id : undefined;
    api<{ lines: LogLine[] }>(`pipeline-runs/${enc(props.runId)}/logs`, { task: props.step, after_id: after }).then(
      (answer) => current && answer.lines.length > 0 && setLines((old) => [...old, ...answer.lines]),
      (failure: Error) => current && setError(failure.message),
    );
    return () => {
      current = false;
    };
    // `live` too: when the run ends, one more read gets the lines written before its end.
  }, [props.runId, props.step, props.tick, props.live]);
  return (
    <div>
      <h2>Logs of {props.step}</h2>
      {error ? <p class="error">{error}</p> : null}
      <pre class="logs" data-testid="task-logs">
        {lines.length === 0
          ? 'No log lines.'
          : lines.map((l) => `${formatTime(l.time)} ${l.level.padEnd(5)} [${l.attempt}] ${l.message}`).join('\n')}
      </pre>
    </div>
  );
}

/** One pipeline run: its task graph with live states, the tasks, and a chosen step's logs. */
export function PipelineRunPage(props: { runId: string }) {
  const [tick, setTick] = useState(0);
  const state = useApi(() => api<{ run: PipelineRun; steps: PipelineStep[] }>(`pipeline-runs/${enc(props.runId)}`), [props.runId, tick]);
  const isLive = state.data ? state.data.run.status === 'queued' || state.data.run.status === 'running' : false;
  const poll = usePoll(isLive);
  useEffect(() => {
    if (poll > 0) setTick(poll);
  }, [poll]);
  const [selected, setSelected] = useState<string>();
  if (state.error && !state.data) return pageForError(state.error, 'Pipeline run');
  const data = state.data;
  if (!data) return <p>Loading…</p>;
  const { run } = data;
  const step = selected ?? run.tasks.find((t) => t.status === 'failed')?.name ?? run.tasks[0]?.name;
  return (
    <section>
      <h1>
        {run.pipeline} <small>{run.run_id}</small>
      </h1>
      <p>
        <span class={`status ${run.status}`} data-testid="run-status">
          {run.status}
        </span>{' '}
        · {run.trigger} · created {formatTime(run.created_at)} {run.ended_at ? `· ended ${formatTime(run.ended_at)}` : ''}
        {isLive ? ' · live' : ''}
      </p>
      {run.error ? <p class="error">{run.error}</p> : null}
      <RunGraph steps={data.steps} tasks={run.tasks} selected={step} onSelect={setSelected} />
      <table class="grid" data-testid="tasks">
        <thead>
          <tr>
            <th>Step</th>
            <th>Status</th>
            <th>Attempts</th>
            <th>Started</th>
            <th>Ended</th>
            <th>Error</th>
          </tr>
        </thead>
        <tbody>
          {run.tasks.map((t) => (
            <tr key={t.task_id} onClick={() => setSelected(t.name)} class={t.name === step ? 'selected' : ''}>
              <td>
                {t.name}
                {t.map_index !== null ? `[${t.map_index}]` : ''}
                {t.cached ? ' (cached)' : ''}
              </td>
              <td>
                <span class={`status ${t.status}`}>{t.status}</span>
              </td>
              <td>{t.attempts}</td>
              <td>{formatTime(t.started_at)}</td>
              <td>{formatTime(t.ended_at)}</td>
              <td class="error">{t.error ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {step ? <TaskLogs runId={run.run_id} step={step} live={isLive} tick={tick} /> : null}
    </section>
  );
}
