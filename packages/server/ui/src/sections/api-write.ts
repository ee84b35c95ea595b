import { ApiError, token } from '../api';

/** A write call to `/api/ui/...` (POST, JSON body) with the session's bearer token; the server's error as an ApiError. */
export async function apiPost<T>(path: string, body: Record<string, unknown>): Promise<T> {
  const value = token();
  const res = await fetch(`/api/ui/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(value ? { authorization: `Bearer ${value}` } : {}) },
    body: JSON.stringify(body),
  });
  const answer = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(res.status, answer.error_code ?? 'ERROR', answer.message ?? `${res.status} ${res.statusText}`);
  return answer as T;
}
