import { useState } from 'preact/hooks';
import { api } from '../api';
import { formatTime } from '../format';
import { pageForError } from '../pages/message-page';
import { useApi } from '../use-api';
import { apiPost } from './api-write';
import { type AuditEntry, enc, type GateOutcome, type ModelRow, type ModelVersion } from './section-types';
import { WriteAction } from './write-action';
import './sections.css';

interface ModelDetail {
  model: ModelRow;
  versions: ModelVersion[];
  gates: unknown[];
  history: AuditEntry[];
}

function GateList(props: { outcomes: GateOutcome[] }) {
  if (props.outcomes.length === 0) return <span>no gates</span>;
  return (
    <ul class="gates">
      {props.outcomes.map((g) => (
        <li key={g.gate} class={g.passed ? 'pass' : 'fail'}>
          {g.passed ? '✓' : '✗'} {g.gate}: {g.message}
        </li>
      ))}
    </ul>
  );
}

/** Promote (through the gates) or set an alias (no gates) for one version: write actions. */
function VersionActions(props: { name: string; versions: ModelVersion[]; onChange: () => void }) {
  const [version, setVersion] = useState(String(props.versions[props.versions.length - 1]?.version ?? ''));
  const [alias, setAlias] = useState('champion');
  const [reason, setReason] = useState('');
  const path = `models/${enc(props.name)}`;
  const [check, setCheck] = useState<{ version: string; alias: string }>();
  return (
    <div class="actions" data-testid="model-actions">
      <label>
        version{' '}
        <select name="version" value={version} onChange={(e) => setVersion((e.target as HTMLSelectElement).value)}>
          {props.versions.map((v) => (
            <option key={v.version} value={String(v.version)}>
              v{v.version}
            </option>
          ))}
        </select>
      </label>
      <label>
        alias <input name="alias" value={alias} onInput={(e) => setAlias((e.target as HTMLInputElement).value)} />
      </label>
      <label>
        reason <input name="reason" value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
      </label>
      <button type="button" data-testid="check-gates" onClick={() => setCheck({ version, alias })}>
        Check gates
      </button>
      <WriteAction
        label="Promote"
        testId="promote"
        onDone={props.onChange}
        run={async () => {
          const decision = await apiPost<{ outcome: string; previous_version: number | null; gates: GateOutcome[] }>(`${path}/promote`, {
            version,
            alias,
            ...(reason ? { reason } : {}),
          });
          const passed = decision.gates.filter((g) => g.passed).length;
          return `${decision.outcome}: @${alias} → v${version} (was ${decision.previous_version ? `v${decision.previous_version}` : 'unset'}; ${passed}/${decision.gates.length} gates passed)`;
        }}
      />
      <WriteAction
        label="Set alias"
        testId="set-alias"
        onDone={props.onChange}
        run={async () => {
          await apiPost(`${path}/aliases`, { version, alias });
          return `@${alias} → v${version}`;
        }}
      />
      {check ? <GateCheck name={props.name} version={check.version} alias={check.alias} /> : null}
    </div>
  );
}

/** A dry run: the gates guarding `alias` judged for `version`, nothing moved (read scope). */
function GateCheck(props: { name: string; version: string; alias: string }) {
  const state = useApi(
    () => api<{ outcomes: GateOutcome[] }>(`models/${enc(props.name)}/versions/${enc(props.version)}/gates`, { alias: props.alias }),
    [props.name, props.version, props.alias],
  );
  if (state.error) return <p class="error">{state.error.message}</p>;
  if (!state.data) return <p>Checking…</p>;
  return (
    <div class="gate-check" data-testid="gate-check">
      v{props.version} → @{props.alias}: <GateList outcomes={state.data.outcomes} />
    </div>
  );
}

/** A registered model: versions, aliases, gates and their results, the audit log, and its write actions. */
export function ModelPage(props: { name: string }) {
  const [reload, setReload] = useState(0);
  const state = useApi(() => api<ModelDetail>(`models/${enc(props.name)}`), [props.name, reload]);
  if (state.error) return pageForError(state.error, 'Model');
  const data = state.data;
  if (!data) return <p>Loading…</p>;
  const promotions = data.history.filter((h) => h.action.startsWith('promotion.'));
  return (
    <section>
      <h1>{data.model.name}</h1>
      <p>
        {data.model.description} <a href={`/lineage?model=${enc(data.model.name)}`}>lineage</a>
      </p>
      <h2>Aliases</h2>
      <p data-testid="aliases">
        {Object.keys(data.model.aliases).length === 0 ? 'None yet.' : null}
        {Object.entries(data.model.aliases)
          .sort()
          .map(([alias, version]) => (
            <span key={alias} class="badge">
              @{alias} → v{version}
            </span>
          ))}
      </p>
      <VersionActions name={data.model.name} versions={data.versions} onChange={() => setReload((n) => n + 1)} />
      <h2>Versions</h2>
      <table class="grid" data-testid="model-versions">
        <thead>
          <tr>
            <th>Version</th>
            <th>Aliases</th>
            <th>Status</th>
            <th>Stage</th>
            <th>Run</th>
            <th>By</th>
            <th>Created</th>
          </tr>
        </thead>
        <tbody>
          {[...data.versions].reverse().map((v) => (
            <tr key={v.version}>
              <td>v{v.version}</td>
              <td>{v.aliases.map((a) => `@${a}`).join(' ')}</td>
              <td>{v.status}</td>
              <td>{v.stage}</td>
              <td>{v.run_id ? <a href={`/runs/${enc(v.run_id)}`}>{v.run_id.slice(0, 8)}</a> : <code>{v.source}</code>}</td>
              <td>{v.user_id}</td>
              <td>{formatTime(v.creation_time)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Gates</h2>
      {data.gates.length === 0 ? (
        <p>No promotion gates: every promotion passes.</p>
      ) : (
        <pre class="gate-specs">{JSON.stringify(data.gates, null, 2)}</pre>
      )}
      <h2>Gate results</h2>
      {promotions.length === 0 ? <p>No promotion yet.</p> : null}
      <table class="grid" data-testid="gate-results">
        <tbody>
          {[...promotions].reverse().map((p) => (
            <tr key={p.id}>
              <td>{formatTime(p.time)}</td>
              <td>
                v{p.version} → @{p.alias}
              </td>
              <td class={p.action === 'promotion.blocked' ? 'fail' : 'pass'}>{p.action.replace('promotion.', '')}</td>
              <td>
                <GateList outcomes={p.gates} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Audit history</h2>
      <table class="grid" data-testid="audit">
        <thead>
          <tr>
            <th>When</th>
            <th>Action</th>
            <th>Version</th>
            <th>Who</th>
            <th>Reason</th>
          </tr>
        </thead>
        <tbody>
          {[...data.history].reverse().map((h) => (
            <tr key={h.id}>
              <td>{formatTime(h.time)}</td>
              <td>
                {h.action}
                {h.alias ? ` @${h.alias}` : ''}
              </td>
              <td>{h.version ?? ''}</td>
              <td>{h.actor}</td>
              <td>{h.reason ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
