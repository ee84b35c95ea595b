import type { Logger } from '@mlp/core';
import type { Backend, RouteGroup } from './route-table.js';
import type { ServerProcess } from './server-process.js';
import { startTrafficRouter, type TrafficRouter } from './traffic-router.js';

/** Starts one model server for a revision; the controller builds it from the serve command. */
export type LaunchServer = (revision: { revision: number; modelVersion: number }) => Promise<ServerProcess>;

export interface LocalDeploymentOptions {
  name: string;
  host?: string;
  port?: number;
  stickyHeader?: string;
  launch: LaunchServer;
  logger: Logger;
}

interface Replica {
  backend: Backend;
  process: ServerProcess;
}

/** The weight of a revision, and its A/B variant name when it serves one. */
export interface RevisionWeight {
  revision: number;
  weight: number;
  variant?: string;
}

/**
 * A deployment on this machine: a router on the deployment's port in front of model-server processes,
 * a set per revision. Weights say how traffic splits between revisions; replica counts say how many
 * servers each has. A server leaves the router's table before it is stopped, and is stopped only once
 * the requests it has are answered, so scaling down or switching never drops a request.
 */
export interface LocalDeployment {
  readonly url: string;
  readonly router: TrafficRouter;
  /** Starts or stops servers of `revision` until it has `count` (new ones are added to the table when ready). */
  scale(revision: { revision: number; modelVersion: number }, count: number): Promise<void>;
  /** Replaces the traffic split (revisions not listed get none). */
  setWeights(weights: readonly RevisionWeight[]): void;
  /** The servers of a revision, for analysis. */
  urls(revision: number): string[];
  replicas(revision: number): number;
  /** Revisions that have servers. */
  revisions(): number[];
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export async function startLocalDeployment(options: LocalDeploymentOptions): Promise<LocalDeployment> {
  const router = await startTrafficRouter({
    deployment: options.name,
    ...(options.host !== undefined && { host: options.host }),
    ...(options.port !== undefined && { port: options.port }),
    ...(options.stickyHeader !== undefined && { stickyHeader: options.stickyHeader }),
  });
  const replicas = new Map<number, Replica[]>();
  let weights: readonly RevisionWeight[] = [];
  let nextId = 0;
  let closed = false;
  const log = options.logger;

  const publish = () => {
    const groups: RouteGroup[] = weights.map((entry) => ({
      revision: entry.revision,
      variant: entry.variant ?? String(entry.revision),
      weight: entry.weight,
      backends: (replicas.get(entry.revision) ?? []).map((replica) => replica.backend),
    }));
    router.setTable({ groups });
  };

  const retire = async (revision: number, gone: Replica[]) => {
    const left = (replicas.get(revision) ?? []).filter((replica) => !gone.includes(replica));
    if (left.length > 0) replicas.set(revision, left);
    else replicas.delete(revision);
    publish();
    await router.drained(gone.map((replica) => replica.backend.id));
    for (const replica of gone) router.release(replica.backend.url);
    await Promise.all(gone.map((replica) => replica.process.stop()));
  };

  const startOne = async (revision: { revision: number; modelVersion: number }) => {
    const process = await options.launch(revision);
    const replica: Replica = { backend: { id: `rev${revision.revision}-${nextId++}`, url: process.url }, process };
    if (closed) {
      await process.stop();
      return;
    }
    replicas.set(revision.revision, [...(replicas.get(revision.revision) ?? []), replica]);
    publish();
    void process.exited.then((code) => {
      if (!(replicas.get(revision.revision) ?? []).includes(replica)) return;
      log.warn(`a model server of revision ${revision.revision} exited (code ${code}); it is taken out of the router`);
      void retire(revision.revision, [replica]);
    });
  };

  return {
    url: router.url,
    router,
    async scale(revision, count) {
      const have = replicas.get(revision.revision) ?? [];
      if (have.length < count) {
        const started = await Promise.allSettled(Array.from({ length: count - have.length }, () => startOne(revision)));
        const failed = started.find((result) => result.status === 'rejected');
        if (failed) throw (failed as PromiseRejectedResult).reason;
      } else if (have.length > count) {
        await retire(revision.revision, have.slice(count));
      }
    },
    setWeights(next) {
      weights = next;
      publish();
    },
    urls: (revision) => (replicas.get(revision) ?? []).map((replica) => replica.backend.url),
    replicas: (revision) => (replicas.get(revision) ?? []).length,
    revisions: () => [...replicas.keys()],
    async close() {
      closed = true;
      weights = [];
      const all = [...replicas.entries()];
      await Promise.all(all.map(([revision, list]) => retire(revision, list)));
      await router.close();
    },
    [Symbol.asyncDispose](this: LocalDeployment) {
      return this.close();
    },
  };
}
