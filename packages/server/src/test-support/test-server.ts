import { createConsoleLogger, openWorkspace, type Workspace } from '@mlp/core';
import { createTempDir, createTestDatabase } from '@mlp/core/testing';
import { openRegistry } from '@mlp/registry';
import { openSqlTrackingStore, type TrackingStore } from '@mlp/tracking';
import { createServer, type ServerOptions } from '../create-server.js';

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

export interface TestServer {
  url: string;
  workspace: Workspace;
  tracking: TrackingStore;
  /** Every JSON line the server logged. */
  logs: string[];
  get(path: string, query?: Record<string, string | string[]>, headers?: Record<string, string>): Promise<ApiResponse>;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<ApiResponse>;
  stop(): Promise<void>;
}

/** `mlp server` over a fresh workspace on its own PostgreSQL database, listening on a free port. */
export async function startTestServer(
  options: Pick<ServerOptions, 'tokens' | 'maxBodyBytes' | 'allowedHosts' | 'statementTimeoutMs'> & {
    withRegistry?: boolean;
    listenHost?: string;
    /** More of the server's sources (datasets, deployments, ...) made on the fresh workspace, before it listens. */
    compose?: (workspace: Workspace, dir: string) => Promise<Partial<ServerOptions>>;
  } = {},
): Promise<TestServer> {
  const { withRegistry, listenHost, compose, ...serverOptions } = options;
  const dir = await createTempDir('mlp-server-');
  const database = await createTestDatabase('mlp_server');
  const workspace = await openWorkspace({ dir: dir.path, logLevel: 'warn', database: { url: database.url } });
  const tracking = await openSqlTrackingStore(workspace);
  const logs: string[] = [];
  const logger = createConsoleLogger({ level: 'info', write: (line) => logs.push(line) });
  const registry = withRegistry ? await openRegistry(workspace) : undefined;
  const composed = compose ? await compose(workspace, dir.path) : {};
  const server = createServer({ workspace, tracking, logger, ...(registry ? { registry } : {}), ...composed, ...serverOptions });
  const url = await server.listen({ port: 0, ...(listenHost ? { host: listenHost } : {}) });

  async function call(path: string, init: RequestInit): Promise<ApiResponse> {
    const response = await fetch(`${url}${path}`, init);
    const text = await response.text();
    let body: Record<string, unknown> = {};
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      body = { text };
    }
    return { status: response.status, headers: response.headers, body };
  }

  return {
    url,
    workspace,
    tracking,
    logs,
    get(path, query = {}, headers = {}) {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(query)) for (const item of Array.isArray(value) ? value : [value]) params.append(key, item);
      const search = params.toString();
      return call(search ? `${path}?${search}` : path, { headers });
    },
    post(path, body, headers = {}) {
      return call(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    },
    async stop() {
      await server.close();
      await registry?.close();
      await workspace.close();
      await database.drop();
      await dir.remove();
    },
  };
}
