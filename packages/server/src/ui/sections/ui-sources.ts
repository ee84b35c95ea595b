import type { DatasetBrowser, DeploymentControl, MonitorAlertReader, ValidationResultsReader } from '@mlp/core';
import type { Registry } from '@mlp/registry';

/**
 * What the web UI's sections read, each present when its package is served: the registry and
 * pipelines as the server composes them, the others through core's contracts (the CLI's services),
 * so the server imports none of data-version, validate, monitor or deploy.
 */
export interface UiSources {
  registry?: Registry | undefined;
  datasets?: DatasetBrowser | undefined;
  validations?: ValidationResultsReader | undefined;
  alerts?: MonitorAlertReader | undefined;
  deployments?: DeploymentControl | undefined;
  pipelines: boolean;
}
