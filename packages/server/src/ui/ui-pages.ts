import type { UiPage } from './ui-routes.js';

/** Which sections the server serves: tracking always, the others when their package is composed. */
export interface ServedSections {
  registry: boolean;
  pipelines: boolean;
  datasets?: boolean;
  deployments?: boolean;
  monitoring?: boolean;
}

/**
 * The UI's page registry: a page shows when the server serves its package. Tracking's pages are
 * always there; the others join as their packages are mounted (the browser shows what this lists).
 */
export function uiPagesFor(served: ServedSections): UiPage[] {
  return [
    { id: 'experiments', title: 'Experiments', path: '/experiments' },
    ...(served.datasets ? [{ id: 'datasets', title: 'Datasets', path: '/datasets' }] : []),
    ...(served.registry ? [{ id: 'models', title: 'Models', path: '/models' }] : []),
    ...(served.registry || served.datasets ? [{ id: 'lineage', title: 'Lineage', path: '/lineage' }] : []),
    ...(served.pipelines ? [{ id: 'pipelines', title: 'Pipelines', path: '/pipelines' }] : []),
    ...(served.deployments ? [{ id: 'deployments', title: 'Deployments', path: '/deployments' }] : []),
    ...(served.monitoring ? [{ id: 'monitoring', title: 'Monitoring', path: '/monitoring' }] : []),
  ];
}
