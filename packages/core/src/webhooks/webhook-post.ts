import type { LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { TargetAddress } from './webhook-target.js';

/**
 * POSTs a signed body to `url`, connecting only to `addresses` (checked by the target policy just
 * before: the socket never resolves the name again). Redirects are not followed: a 3xx is an answer
 * like any other, which the caller treats as a failed delivery. Resolves with the HTTP status.
 */
export function postWebhook(options: {
  url: URL;
  addresses: readonly TargetAddress[];
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}): Promise<number> {
  const { url, addresses, body } = options;
  const pinned = (
    _host: string,
    lookupOptions: { all?: boolean },
    callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void,
  ) => {
    const first = addresses[0] as TargetAddress;
    if (lookupOptions.all)
      callback(
        null,
        addresses.map((entry) => ({ address: entry.address, family: entry.family })),
      );
    else callback(null, first.address, first.family);
  };
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      {
        method: 'POST',
        headers: { ...options.headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: pinned as never,
        agent: false,
        signal: AbortSignal.timeout(options.timeoutMs),
      },
      (res: IncomingMessage) => {
        res.on('error', reject);
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.resume();
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
