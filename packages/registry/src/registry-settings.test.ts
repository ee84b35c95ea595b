import { describe, expect, it } from 'vitest';
import { registryEnvVariables, resolveRegistrySettings } from './registry-settings.js';

describe('registry settings', () => {
  it('allow nothing by default', () => {
    expect(resolveRegistrySettings({}, {})).toEqual({ sourceFolders: [], webhookAllowedNetworks: [] });
  });

  it('read the MLP_REGISTRY_* variables mlp server is configured with; explicit options win', () => {
    const env = {
      [registryEnvVariables.sourceFolders]: '/srv/models:/data/exports/',
      [registryEnvVariables.webhookAllowedNetworks]: '10.20.0.0/16, 127.0.0.1',
    };
    expect(resolveRegistrySettings({}, env)).toEqual({
      sourceFolders: ['/srv/models', '/data/exports'],
      webhookAllowedNetworks: ['10.20.0.0/16', '127.0.0.1'],
    });
    expect(resolveRegistrySettings({ sourceFolders: [], webhookAllowedNetworks: ['::1'] }, env)).toEqual({
      sourceFolders: [],
      webhookAllowedNetworks: ['::1'],
    });
  });

  it('refuse a relative source folder', () => {
    expect(() => resolveRegistrySettings({ sourceFolders: ['models'] }, {})).toThrow(/not absolute/);
  });
});
