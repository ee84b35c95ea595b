import { databaseProblem } from './database-health.js';
import { rawRoute } from './mlflow/tracking-route.js';

/** `GET /health` (and HEAD): 200 `OK`, or 503 naming what is wrong with the database. No token needed, the host check still applies. */
export const healthRoute = rawRoute('GET', 'health', 'public', async (_req, res, { workspace }) => {
  const problem = await databaseProblem(workspace.db);
  res.writeHead(problem ? 503 : 200, { 'content-type': 'text/plain' });
  res.end(problem ? `UNAVAILABLE: ${problem}` : 'OK');
});
