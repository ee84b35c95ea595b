import type { UiPage } from './ui-routes.js';

/**
 * The UI's page registry: a page shows when the server serves its package. Tracking's pages are
 * always there; the others join as their packages are mounted (the browser shows what this lists).
 */
export function uiPagesFor(served: { registry: boolean; pipelines: boolean }): UiPage[] {
  return [
    { id: 'experiments', title: 'Experiments', path: '/experiments' },
    ...(served.registry ? [{ id: 'models', title: 'Models', path: '/models' }] : []),
    ...(served.pipelines ? [{ id: 'pipelines', title: 'Pipelines', path: '/pipelines' }] : []),
  ];
}
