import type { ParentMessage, WorkerMessage } from './trial-protocol.js';
import { serveTrials } from './trial-runner.js';

// The entry of a trial pool's child process (mode 'processes', started with child_process.fork).
const send = process.send?.bind(process);
if (!send) throw new Error('trial-process-entry runs as a forked child of a trial pool, not on its own.');
// The pool is gone (crashed or killed): nothing will read our results, so stop.
process.on('disconnect', () => process.exit(0));
serveTrials({
  send: (message: WorkerMessage) => {
    send(message);
  },
  onMessage: (handler) => process.on('message', (message) => handler(message as ParentMessage)),
});
