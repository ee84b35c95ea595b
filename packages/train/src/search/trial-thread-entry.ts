import { parentPort } from 'node:worker_threads';
import type { ParentMessage } from './trial-protocol.js';
import { serveTrials } from './trial-runner.js';

// The entry of a trial pool's worker thread (mode 'threads').
const port = parentPort;
if (!port) throw new Error('trial-thread-entry runs as a worker thread of a trial pool, not on its own.');
serveTrials({
  send: (message) => port.postMessage(message),
  onMessage: (handler) => port.on('message', (message: ParentMessage) => handler(message)),
});
