import { lazyPage } from './lazy-page';

// Each section's code is a chunk of its own, fetched when the page is first opened.
const DatasetsPage = lazyPage(() => import('./datasets-page').then((m) => m.DatasetsPage));
const DatasetPage = lazyPage(() => import('./dataset-page').then((m) => m.DatasetPage));
const ModelsPage = lazyPage(() => import('./models-page').then((m) => m.ModelsPage));
const ModelPage = lazyPage(() => import('./model-page').then((m) => m.ModelPage));
const LineagePage = lazyPage(() => import('./lineage-page').then((m) => m.LineagePage));
const PipelinesPage = lazyPage(() => import('./pipelines-page').then((m) => m.PipelinesPage));
const PipelineRunPage = lazyPage(() => import('./pipeline-run-page').then((m) => m.PipelineRunPage));
const DeploymentsPage = lazyPage(() => import('./deployments-page').then((m) => m.DeploymentsPage));
const DeploymentPage = lazyPage(() => import('./deployment-page').then((m) => m.DeploymentPage));
const MonitoringPage = lazyPage(() => import('./monitoring-page').then((m) => m.MonitoringPage));

/** The page of a section's path (`/datasets/flights`, `/models/churn`, ...), or undefined when the path is not a section's. */
export function sectionRoute(parts: string[], query: URLSearchParams) {
  const [section, id, sub] = parts;
  switch (section) {
    case 'datasets':
      return id ? <DatasetPage key={id} name={id} version={query.get('version')} /> : <DatasetsPage />;
    case 'models':
      return id ? <ModelPage key={id} name={id} /> : <ModelsPage />;
    case 'lineage':
      return <LineagePage key={query.toString()} query={query} />;
    case 'pipelines':
      return id === 'runs' && sub ? <PipelineRunPage key={sub} runId={sub} /> : <PipelinesPage />;
    case 'deployments':
      return id ? <DeploymentPage key={id} name={id} /> : <DeploymentsPage />;
    case 'monitoring':
      return <MonitoringPage />;
    default:
      return undefined;
  }
}
