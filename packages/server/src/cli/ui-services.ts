import type { CliServiceName, CliServices, Logger } from '@mlp/core';
import type { ServerOptions } from '../create-server.js';

/** The part of the CLI's context that finds what installed packages provide (`CliContext.service`). */
export interface ServiceLookup {
  service?<K extends CliServiceName>(name: K): Promise<CliServices[K] | undefined>;
}

type UiServiceOptions = Pick<ServerOptions, 'datasets' | 'validations' | 'alerts' | 'deployments'>;

/**
 * The web UI's sections from the installed packages: each is there when the CLI has its service
 * (data-version, validate, monitor, deploy). A package that fails to open is logged and its pages
 * left out, so the server still serves the rest.
 */
export async function openUiServices(context: ServiceLookup, logger: Logger): Promise<UiServiceOptions> {
  const lookup = context.service?.bind(context);
  if (!lookup) return {};
  const load = async <K extends CliServiceName>(name: K): Promise<CliServices[K] | undefined> => {
    try {
      return await lookup(name);
    } catch (error) {
      logger.warn({ service: name, err: error instanceof Error ? error.message : String(error) }, 'a web UI section is left out');
      return undefined;
    }
  };
  const [datasets, validations, alerts, deployments] = await Promise.all([
    load('datasetBrowser'),
    load('validationResults'),
    load('monitorAlerts'),
    load('deployments'),
  ]);
  return {
    ...(datasets ? { datasets } : {}),
    ...(validations ? { validations } : {}),
    ...(alerts ? { alerts } : {}),
    ...(deployments ? { deployments } : {}),
  };
}
