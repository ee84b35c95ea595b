import { type CliServiceName, createConsoleLogger, MlpError } from '@mlp/core';
import { describe, expect, it } from 'vitest';
import { openUiServices } from './ui-services.js';

describe('openUiServices', () => {
  it('takes each section from the installed services and leaves out one that fails to open, saying so', async () => {
    const lines: string[] = [];
    const logger = createConsoleLogger({ level: 'warn', write: (line) => lines.push(line) });
    const alerts = { list: async () => [] };
    const asked: string[] = [];
    const services = await openUiServices(
      {
        async service(name: CliServiceName) {
          asked.push(name);
          if (name === 'monitorAlerts') return alerts as never;
          if (name === 'datasetBrowser') throw new MlpError('UNAVAILABLE', 'the data repository is locked');
          return undefined;
        },
      },
      logger,
    );
    expect(asked.sort()).toEqual(['datasetBrowser', 'deployments', 'monitorAlerts', 'validationResults']);
    expect(services).toEqual({ alerts });
    expect(lines.join('\n')).toContain('datasetBrowser');
    expect(lines.join('\n')).toContain('the data repository is locked');
  });

  it('has nothing to add without a service lookup (a context that is not the CLI)', async () => {
    expect(await openUiServices({}, createConsoleLogger({ level: 'error', write: () => {} }))).toEqual({});
  });
});
