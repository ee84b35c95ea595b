// Traffic for the demo's deployment: requests of a few flight records each, sent one after another to
// the router's `/invocations` until stopped, counted by the revision that answered
// (`x-mlp-deployment-revision`) and by status. Paced: a demo, not a load test.

const airports = ['SEA', 'SFO', 'ORD', 'LAX', 'JFK', 'ATL', 'DEN', 'BOS', 'DFW', 'PHX'];

/** `count` records of plausible flights, different on each call. */
export function flightRecords(count, seed) {
  return Array.from({ length: count }, (_, index) => {
    const n = seed * 31 + index * 7;
    const origin = airports[n % airports.length];
    const destination = airports[(n + 3) % airports.length];
    const hour = String(6 + (n % 16)).padStart(2, '0');
    return { date: `2001-0${1 + (n % 9)}-1${n % 10}T${hour}:15:00Z`, distance: 200 + ((n * 37) % 2400), origin, destination };
  });
}

/** Starts sending, about `perSecond` requests a second; `stop()` resolves to the counts once the request in flight is answered. */
export function startTraffic(endpoint, { recordsPerRequest = 4, perSecond = 25 } = {}) {
  const counts = { requests: 0, records: 0, byRevision: {}, byStatus: {}, errors: 0 };
  let stopping = false;
  const loop = (async () => {
    for (let seed = 0; !stopping; seed++) {
      try {
        const answer = await fetch(`${endpoint}/invocations`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ dataframe_records: flightRecords(recordsPerRequest, seed) }),
        });
        await answer.arrayBuffer();
        const revision = answer.headers.get('x-mlp-deployment-revision') ?? '?';
        counts.requests++;
        if (answer.ok) counts.records += recordsPerRequest;
        counts.byRevision[`r${revision}`] ??= { requests: 0, failed: 0 };
        const perRevision = counts.byRevision[`r${revision}`];
        perRevision.requests++;
        if (!answer.ok) perRevision.failed++;
        counts.byStatus[answer.status] = (counts.byStatus[answer.status] ?? 0) + 1;
      } catch {
        counts.errors++;
      }
      await new Promise((resolve) => setTimeout(resolve, 1000 / perSecond));
    }
  })();
  return {
    counts,
    stop: async () => {
      stopping = true;
      await loop;
      return counts;
    },
  };
}

/** `r1 689 (0 failed), r2 1203 (0 failed)` */
export function describeByRevision(byRevision) {
  return Object.entries(byRevision)
    .map(([revision, { requests, failed }]) => `${revision} ${requests} (${failed} failed)`)
    .join(', ');
}
