import type { DatasetBrowser, DeploymentControl, MonitorAlertReader, ValidationResultsReader } from '@mlp/core';
import type { Registry } from '@mlp/registry';
import { describe, expect, it } from 'vitest';
import { uiOpenApi } from '../ui-openapi.js';
import { sectionRoutes } from './section-routes.js';

// Only the routes' paths and methods are read here: the sources are never called.
const present = {} as unknown;

describe("the sections' OpenAPI paths", () => {
  it('document every route each section mounts, with its method', () => {
    const routes = sectionRoutes(
      {
        registry: present as Registry,
        datasets: present as DatasetBrowser,
        validations: present as ValidationResultsReader,
        alerts: present as MonitorAlertReader,
        deployments: present as DeploymentControl,
        pipelines: true,
      },
      (text) => text,
    );
    expect(routes.length).toBe(20);
    const paths = uiOpenApi.paths as Record<string, Record<string, unknown>>;
    for (const route of routes)
      expect(paths[`/${route.path}`]?.[route.method.toLowerCase()], `${route.method} ${route.path}`).toBeDefined();
  });

  it('mounts no section whose package is not served', () => {
    expect(sectionRoutes({ pipelines: false }, (text) => text)).toEqual([]);
  });
});
