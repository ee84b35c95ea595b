// A paced (open-loop) OIP load in its own process, for tools/bench/rollout.mjs: RATE requests/s to
// the URL given, each sent on schedule whether or not earlier ones answered, until the parent sends
// 'stop'; then it reports answers per revision (x-mlp-deployment-revision) and status, connection
// failures and latencies, and exits.
import http from 'node:http';

const [url, rateText] = process.argv.slice(2);
const rate = Number(rateText);
const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
const body = JSON.stringify({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: [1, 2, 3, 4] }] });
const outcomes = { sent: 0, byRevision: {}, lost: 0, latencies: [], seconds: 0 };
let stopping = false;
process.on('message', (message) => {
  if (message === 'stop') stopping = true;
});

const one = () =>
  new Promise((resolve) => {
    const started = performance.now();
    const req = http.request(
      new URL('/v2/models/flights/infer', url),
      { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () => {
          const revision = String(res.headers['x-mlp-deployment-revision'] ?? 'router');
          const counts = outcomes.byRevision[revision] ?? {};
          outcomes.byRevision[revision] = counts;
          counts[res.statusCode] = (counts[res.statusCode] ?? 0) + 1;
          outcomes.latencies.push(performance.now() - started);
          resolve();
        });
      },
    );
    req.on('error', () => {
      outcomes.lost++;
      resolve();
    });
    req.end(body);
  });

const pending = [];
const t0 = performance.now();
for (let i = 0; !stopping; i++) {
  const wait = t0 + (i * 1000) / rate - performance.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  pending.push(one());
  outcomes.sent++;
}
outcomes.seconds = (performance.now() - t0) / 1000;
await Promise.all(pending);
process.send(outcomes, () => process.exit(0));
