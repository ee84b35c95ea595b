import { describe, expect, it } from 'vitest';
import type { DatabaseEngine } from '../db/database.js';
import { createPluginRegistry } from './plugin-registry.js';

const engine = (name: string): DatabaseEngine => ({
  name,
  accepts: (url) => url.startsWith(`${name}:`),
  open: async () => Promise.reject(new Error('unused')),
});

describe('plugin registry', () => {
  it('registers, gets, finds and lists plugins per slot', () => {
    const plugins = createPluginRegistry().register('databaseEngine', engine('alpha')).register('databaseEngine', engine('beta'));
    expect(plugins.get('databaseEngine', 'beta').name).toBe('beta');
    expect(plugins.find('databaseEngine', (candidate) => candidate.accepts('alpha://x'))?.name).toBe('alpha');
    expect(plugins.list('databaseEngine').map((plugin) => plugin.name)).toEqual(['alpha', 'beta']);
    expect(plugins.list('blobDriver')).toEqual([]);
  });

  it('refuses a second plugin with the same name and names the known ones when one is missing', () => {
    const plugins = createPluginRegistry().register('databaseEngine', engine('alpha'));
    expect(() => plugins.register('databaseEngine', engine('alpha'))).toThrow(/already registered/);
    expect(() => plugins.get('databaseEngine', 'gamma')).toThrow(/Registered: alpha/);
    expect(() => plugins.register('databaseEngine', { ...engine('x'), name: '' })).toThrow(/non-empty/);
  });
});
