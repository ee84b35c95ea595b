import type { ApiError } from '../api';

/** What a page shows instead of itself: an unknown id, a refused token, a server error. */
export function MessagePage(props: { title: string; error?: ApiError; text?: string }) {
  return (
    <section class="message-page" data-testid="message-page">
      <h1>{props.title}</h1>
      <p>{props.error ? `${props.error.code}: ${props.error.message}` : props.text}</p>
      <p>
        <a href="/experiments">Back to experiments</a>
      </p>
    </section>
  );
}

export function pageForError(error: ApiError, what: string) {
  if (error.status === 404) return <MessagePage title={`${what} not found`} error={error} />;
  return <MessagePage title={`Could not load ${what.toLowerCase()}`} error={error} />;
}
