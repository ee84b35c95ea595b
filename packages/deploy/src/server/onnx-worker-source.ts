/**
 * The worker thread that owns one onnxruntime session (CommonJS, run with `eval: true` so it needs
 * no file of its own in the build). onnxruntime-node's `run` is synchronous on the calling thread:
 * here it blocks this worker, never the thread answering HTTP. `workerData` holds the resolved path
 * of onnxruntime-node, the model bytes and the session options.
 */
export const onnxWorkerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const ort = require(workerData.ortPath);
const post = (message, transfer) => parentPort.postMessage(message, transfer);
// Strings arrive joined, with their lengths (see packFeed): split them here, off the HTTP thread.
const unpack = ({ packed, lengths }) => {
  const out = new Array(lengths.length);
  let offset = 0;
  for (let i = 0; i < lengths.length; i++) out[i] = packed.slice(offset, (offset += lengths[i]));
  return out;
};
const plain = (metadata) =>
  metadata.map((m) => ({ name: m.name, isTensor: m.isTensor, type: m.type, shape: m.shape ? Array.from(m.shape) : [] }));
ort.InferenceSession.create(workerData.model, workerData.options).then(
  (session) => {
    post({ type: 'ready', inputs: plain(session.inputMetadata), outputs: plain(session.outputMetadata), outputNames: session.outputNames });
    parentPort.on('message', async (message) => {
      if (message.type === 'close') {
        await session.release();
        post({ type: 'closed' });
        return;
      }
      try {
        const feeds = {};
        for (const feed of message.feeds) feeds[feed.name] = new ort.Tensor(feed.type, feed.packed === undefined ? feed.data : unpack(feed), feed.dims);
        const results = message.fetches ? await session.run(feeds, message.fetches) : await session.run(feeds);
        const outputs = [];
        const transfer = [];
        for (const name of message.fetches || session.outputNames) {
          const tensor = results[name];
          outputs.push({ name, dims: Array.from(tensor.dims), data: tensor.data });
          if (ArrayBuffer.isView(tensor.data)) transfer.push(tensor.data.buffer);
        }
        post({ type: 'result', id: message.id, outputs }, transfer);
      } catch (error) {
        post({ type: 'result', id: message.id, error: String(error && error.message || error) });
      }
    });
  },
  (error) => post({ type: 'error', message: String(error && error.message || error) }),
);
`;
