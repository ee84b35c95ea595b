import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { httpProblem } from './http-problem.js';

/**
 * Which Host (and Origin) names this server answers to. A DNS-rebinding page reaches a loopback
 * server under its own name (`attacker.example` now resolving to 127.0.0.1), with the user's network
 * position; refusing names the server is not known by stops it. IP literals cannot be rebound, so an
 * address the server listens on is always fine.
 */
export interface HostCheck {
  /** Throws 403 PERMISSION_DENIED for a foreign Host, or a foreign Origin on a request that may write. */
  check(method: string, headers: IncomingHttpHeaders): void;
}

const wildcardAddresses = new Set(['0.0.0.0', '::', '']);

/** The name in a Host header or URL host, lower case, without port, brackets or trailing dot. */
function hostName(host: string): string {
  const bracketed = /^\[([^\]]*)\](?::\d*)?$/.exec(host);
  const name = bracketed ? (bracketed[1] as string) : host.replace(/:\d*$/, '');
  return name.toLowerCase().replace(/\.$/, '');
}

function isLoopback(name: string): boolean {
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  const version = isIP(name);
  if (version === 4) return name.startsWith('127.');
  return version === 6 && (name === '::1' || name === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(name));
}

/** An `allowedHosts` entry: `name` matches itself; `.name` matches the name and every name under it (as in Vite). */
function matchesEntry(name: string, entry: string): boolean {
  const wanted = entry.toLowerCase().replace(/\.$/, '');
  if (!wanted.startsWith('.')) return name === wanted;
  return name === wanted.slice(1) || name.endsWith(wanted);
}

/**
 * The check for a server listening on `listenHost`: loopback names and addresses when it listens on
 * loopback (or everywhere), any IP address and the machine's name when it listens everywhere, the
 * listen address or name itself, and `allowedHosts` (`'*'` turns the check off, for a proxy that checks Host itself).
 */
export function createHostCheck(listenHost: string, allowedHosts: readonly string[]): HostCheck {
  const listen = hostName(listenHost.includes(':') && !listenHost.startsWith('[') ? `[${listenHost}]` : listenHost);
  const everywhere = wildcardAddresses.has(listen);
  const anyHost = allowedHosts.includes('*');
  // Listening everywhere, the machine's own name reaches it too (that is the machine, not a rebound name).
  const machine = everywhere ? hostname().toLowerCase() : undefined;

  function allowed(name: string): boolean {
    if (anyHost || name === listen || name === machine) return true;
    if (isLoopback(name)) return everywhere || isLoopback(listen);
    if (isIP(name)) return everywhere;
    return allowedHosts.some((entry) => matchesEntry(name, entry));
  }

  const how = `start the server with --allowed-hosts (allowedHosts in createServer) naming it`;

  return {
    check(method, headers) {
      const host = headers.host;
      // HTTP/1.0 may leave Host out; browsers never do, so there is nothing to rebind.
      if (host !== undefined && !allowed(hostName(host))) {
        throw httpProblem(
          'PERMISSION_DENIED',
          `This server does not answer to the host name ${JSON.stringify(host)} (it listens on ${listenHost}), which protects it from DNS rebinding. If you reach it by that name, ${how}.`,
        );
      }
      const origin = headers.origin;
      if (origin === undefined || method === 'GET' || method === 'HEAD') return;
      let originHost: string | undefined;
      try {
        originHost = origin === 'null' ? undefined : new URL(origin).host;
      } catch {
        originHost = undefined;
      }
      if (originHost === undefined || !allowed(hostName(originHost))) {
        throw httpProblem(
          'PERMISSION_DENIED',
          `Requests that write are not taken from pages of another site (Origin ${JSON.stringify(origin)}). To allow a web app at that origin, ${how}.`,
        );
      }
    },
  };
}
