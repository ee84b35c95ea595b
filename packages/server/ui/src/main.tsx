import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { type ApiError, api, setToken, token } from './api';
import { ComparePage } from './pages/compare-page';
import { ExperimentsPage } from './pages/experiments-page';
import { MessagePage } from './pages/message-page';
import { RunPage } from './pages/run-page';
import { RunsPage } from './pages/runs-page';
import { onLink, useLocation } from './router';
import { sectionRoute } from './sections/section-routes';
import { useApi } from './use-api';
import './styles.css';

interface UiPage {
  id: string;
  title: string;
  path: string;
}

/** The page for a path; sections served by packages not built into this UI yet say so. */
function route(path: string, query: URLSearchParams, pages: UiPage[]) {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const [section, id] = parts;
  if (!section || (section === 'experiments' && !id)) return <ExperimentsPage />;
  if (section === 'experiments' && id) return <RunsPage key={id} experimentId={id} query={query} />;
  if (section === 'runs' && id) return <RunPage key={id} runId={id} />;
  if (section === 'compare') return <ComparePage query={query} />;
  // The other sections show when the server serves their package (it lists them in /api/ui/pages).
  const page = pages.find((p) => p.id === section);
  if (page)
    return (
      sectionRoute(parts, query) ?? (
        <MessagePage title={page.title} text={`The ${page.title.toLowerCase()} page is not in this build of the UI yet.`} />
      )
    );
  if (pages.length === 0) return <p>Loading…</p>;
  return <MessagePage title="Page not found" text={`Nothing at ${path}.`} />;
}

function TokenForm(props: { error: ApiError }) {
  const [value, setValue] = useState('');
  return (
    <form
      class="token-form"
      data-testid="token-form"
      onSubmit={(e) => {
        e.preventDefault();
        setToken(value.trim());
        location.reload();
      }}
    >
      <h1>This server needs a token</h1>
      <p class="error">{token() ? `The token was refused: ${props.error.message}` : props.error.message}</p>
      <input
        name="token"
        type="password"
        placeholder="bearer token"
        value={value}
        onInput={(e) => setValue((e.target as HTMLInputElement).value)}
      />
      <button type="submit">Use token</button>
    </form>
  );
}

function App() {
  const { path, query } = useLocation();
  const pages = useApi(() => api<{ pages: UiPage[] }>('pages'), []);
  useEffect(() => {
    document.addEventListener('click', onLink);
    return () => document.removeEventListener('click', onLink);
  }, []);
  if (pages.error?.status === 401) return <TokenForm error={pages.error} />;
  return (
    <div>
      <nav>
        <a href="/" class="brand">
          mlp
        </a>
        {(pages.data?.pages ?? []).map((p) => (
          <a key={p.id} href={p.path}>
            {p.title}
          </a>
        ))}
        {token() ? (
          <button
            type="button"
            class="link"
            onClick={() => {
              setToken(null);
              location.reload();
            }}
          >
            Forget token
          </button>
        ) : null}
      </nav>
      <main>
        {pages.error ? <MessagePage title="The server refused" error={pages.error} /> : route(path, query, pages.data?.pages ?? [])}
      </main>
    </div>
  );
}

render(<App />, document.getElementById('app') as HTMLElement);
