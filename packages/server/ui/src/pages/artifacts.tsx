import { useEffect, useState } from 'preact/hooks';
import { api, fetchRaw } from '../api';
import { useApi } from '../use-api';

interface FileInfo {
  path: string;
  is_dir: boolean;
  file_size?: number;
}

/** Larger files get a download link instead of a preview. */
export const maxPreviewBytes = 2 * 1024 * 1024;

const artifactUrl = (runId: string, path: string) =>
  `/api/ui/runs/${encodeURIComponent(runId)}/artifact/${path.split('/').map(encodeURIComponent).join('/')}`;
const extension = (path: string) => path.slice(path.lastIndexOf('.') + 1).toLowerCase();
const images = new Set(['png', 'jpg', 'jpeg', 'gif', 'webp']);

async function download(runId: string, path: string) {
  const blob = await (await fetchRaw(artifactUrl(runId, path))).blob();
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = path.slice(path.lastIndexOf('/') + 1);
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

function Preview(props: { runId: string; file: FileInfo }) {
  const { runId, file } = props;
  const [content, setContent] = useState<{ kind: string; text?: string; url?: string; error?: string }>({ kind: 'loading' });
  useEffect(() => {
    if ((file.file_size ?? 0) > maxPreviewBytes) {
      setContent({ kind: 'large' });
      return;
    }
    let url: string | undefined;
    const ext = extension(file.path);
    fetchRaw(artifactUrl(runId, file.path))
      .then(async (res) => {
        if (images.has(ext)) {
          url = URL.createObjectURL(await res.blob());
          setContent({ kind: 'image', url });
        } else if (ext === 'html' || ext === 'htm') {
          setContent({ kind: 'html', text: await res.text() });
        } else if (ext === 'json') {
          const text = await res.text();
          let pretty = text;
          try {
            pretty = JSON.stringify(JSON.parse(text), null, 2);
          } catch {}
          setContent({ kind: 'text', text: pretty });
        } else if (ext === 'csv' || ext === 'tsv') {
          setContent({ kind: 'csv', text: await res.text() });
        } else setContent({ kind: 'text', text: await res.text() });
      })
      .catch((error: Error) => setContent({ kind: 'error', error: error.message }));
    return () => url && URL.revokeObjectURL(url);
  }, [runId, file.path]);

  const link = (
    <button type="button" class="link" onClick={() => download(runId, file.path)}>
      Download {file.path}
    </button>
  );
  if (content.kind === 'large')
    return (
      <p data-testid="too-large">
        Too large to preview ({file.file_size} bytes). {link}
      </p>
    );
  if (content.kind === 'error') return <p class="error">{content.error}</p>;
  if (content.kind === 'image') return <img class="preview" src={content.url} alt={file.path} />;
  // An HTML report runs sandboxed: no scripts, no same-origin access to the token.
  if (content.kind === 'html') return <iframe class="preview" sandbox="" srcdoc={content.text} title={file.path} />;
  if (content.kind === 'csv') {
    const rows = (content.text ?? '')
      .split(/\r?\n/)
      .filter(Boolean)
      .slice(0, 200)
      .map((line) => line.split(','));
    return (
      <div class="preview">
        <table class="grid">
          <tbody>
            {rows.map((cells, i) => (
              <tr key={i}>{cells.map((c, j) => (i === 0 ? <th key={j}>{c}</th> : <td key={j}>{c}</td>))}</tr>
            ))}
          </tbody>
        </table>
        {link}
      </div>
    );
  }
  return <pre class="preview">{content.text ?? 'Loading…'}</pre>;
}

/** A run's artifact tree (folders open on click) with a preview of the chosen file. */
export function Artifacts(props: { runId: string }) {
  const [folder, setFolder] = useState('');
  const [file, setFile] = useState<FileInfo | undefined>(undefined);
  const listing = useApi(
    () => api<{ files: FileInfo[] }>(`runs/${encodeURIComponent(props.runId)}/artifacts`, { path: folder }),
    [props.runId, folder],
  );
  return (
    <div class="artifacts" data-testid="artifacts">
      <ul>
        {folder ? (
          <li>
            <button
              type="button"
              class="link"
              onClick={() => setFolder(folder.includes('/') ? folder.slice(0, folder.lastIndexOf('/')) : '')}
            >
              ..
            </button>
          </li>
        ) : null}
        {listing.error ? <li class="error">{listing.error.message}</li> : null}
        {listing.data?.files.length === 0 ? <li>No artifacts.</li> : null}
        {listing.data?.files.map((f) => (
          <li key={f.path}>
            <button type="button" class="link" onClick={() => (f.is_dir ? setFolder(f.path) : setFile(f))}>
              {f.is_dir ? `${f.path}/` : f.path}
            </button>
            {f.file_size !== undefined ? ` ${f.file_size} B` : ''}
          </li>
        ))}
      </ul>
      {file ? <Preview key={file.path} runId={props.runId} file={file} /> : null}
    </div>
  );
}
