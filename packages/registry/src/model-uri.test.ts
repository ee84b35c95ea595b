import { describe, expect, it } from 'vitest';
import { formatModelUri, parseModelUri } from './model-uri.js';

describe('parseModelUri', () => {
  it('reads versions, aliases and latest, with or without the scheme', () => {
    expect(parseModelUri('models:/churn/3')).toEqual({ name: 'churn', version: 3 });
    expect(parseModelUri('models:/churn@champion')).toEqual({ name: 'churn', alias: 'champion' });
    expect(parseModelUri('churn@champion')).toEqual({ name: 'churn', alias: 'champion' });
    expect(parseModelUri('models:/churn/latest')).toEqual({ name: 'churn', latest: true });
    expect(parseModelUri('models:/team@corp model@champion')).toEqual({ name: 'team@corp model', alias: 'champion' });
  });

  it('explains what is wrong', () => {
    expect(() => parseModelUri('models:/churn')).toThrow(/names no version or alias/);
    expect(() => parseModelUri('models:/churn/0')).toThrow(/not a version number/);
    expect(() => parseModelUri('models:/churn/abc')).toThrow(/not a version number/);
    expect(() => parseModelUri('models:/churn@latest')).toThrow(/reserved/);
    expect(() => parseModelUri('')).toThrow(/empty/);
  });

  it('round-trips through formatModelUri', () => {
    for (const uri of ['models:/churn/3', 'models:/churn@champion', 'models:/churn/latest'])
      expect(formatModelUri(parseModelUri(uri))).toBe(uri);
  });
});
