import { describe, expect, it } from 'vitest';
import { eventTriggerKey, eventTypeOf, matchesTrigger } from './match-trigger.js';

const datasetVersion = (dataset: string) => ({ type: 'dataset_version.created', payload: { dataset, version: 3 } });
const aliasSet = (name: string, alias: string) => ({ type: 'model_version.alias_set', payload: { name, version: 2, alias } });

describe('matchesTrigger', () => {
  it('fires a dataset trigger on a new version of that dataset only', () => {
    const trigger = { on: 'dataset.version', dataset: 'flights-raw' } as const;
    expect(matchesTrigger(trigger, datasetVersion('flights-raw'))).toBe(true);
    expect(matchesTrigger(trigger, datasetVersion('other'))).toBe(false);
    expect(matchesTrigger(trigger, { type: 'dataset_tag.moved', payload: { dataset: 'flights-raw' } })).toBe(false);
  });

  it('fires an alias trigger on its model, and on its alias when one is named', () => {
    expect(matchesTrigger({ on: 'registry.alias', model: 'delay' }, aliasSet('delay', 'staging'))).toBe(true);
    expect(matchesTrigger({ on: 'registry.alias', model: 'delay', alias: 'champion' }, aliasSet('delay', 'staging'))).toBe(false);
    expect(matchesTrigger({ on: 'registry.alias', model: 'delay', alias: 'champion' }, aliasSet('delay', 'champion'))).toBe(true);
    expect(matchesTrigger({ on: 'registry.alias', model: 'delay' }, aliasSet('other', 'champion'))).toBe(false);
  });

  it('fires a generic trigger on its type, whatever the payload', () => {
    expect(matchesTrigger({ on: 'event', type: 'monitor.alert' }, { type: 'monitor.alert', payload: null })).toBe(true);
    expect(matchesTrigger({ on: 'event', type: 'monitor.alert' }, { type: 'monitor.alerted', payload: null })).toBe(false);
  });

  it('leaves http triggers to the server', () => {
    expect(eventTypeOf({ on: 'http' })).toBeUndefined();
    expect(matchesTrigger({ on: 'http' }, { type: 'http', payload: {} })).toBe(false);
  });

  it('keys a run by the event id', () => {
    expect(eventTriggerKey({ id: '42' })).toBe('event:42');
  });
});
