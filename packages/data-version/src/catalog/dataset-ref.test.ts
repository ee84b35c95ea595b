import { MlpError } from '@mlp/core';
import { describe, expect, it } from 'vitest';
import { assertTagName, looksLikeDatasetRef, parseDatasetRef } from './dataset-ref.js';

describe('parseDatasetRef', () => {
  it('reads latest, numbers and tags; a bare name is the latest', () => {
    expect(parseDatasetRef('flights')).toEqual({ dataset: 'flights', selector: { kind: 'latest' } });
    expect(parseDatasetRef('flights@latest')).toEqual({ dataset: 'flights', selector: { kind: 'latest' } });
    expect(parseDatasetRef('flights@3')).toEqual({ dataset: 'flights', selector: { kind: 'number', version: 3 } });
    expect(parseDatasetRef('flights.v2@train-2026-11')).toEqual({ dataset: 'flights.v2', selector: { kind: 'tag', tag: 'train-2026-11' } });
  });

  it.each(['', '@3', 'flights@', 'flights@0', 'fl ights@1', 'flights@1@2', 'flights@a b', '../x@1', `${'x'.repeat(129)}@1`])(
    'refuses %j with INVALID_ARGUMENT and the accepted forms',
    (ref) => {
      try {
        parseDatasetRef(ref);
        expect.unreachable();
      } catch (error) {
        expect(MlpError.isInstance(error) && error.code).toBe('INVALID_ARGUMENT');
        expect((error as Error).message).toContain('NAME@<version number>');
      }
    },
  );

  it('tells references from paths', () => {
    expect(looksLikeDatasetRef('flights@3')).toBe(true);
    expect(looksLikeDatasetRef('data/flights.parquet')).toBe(false);
    expect(looksLikeDatasetRef('flights.parquet')).toBe(false);
  });
});

describe('assertTagName', () => {
  it('reserves latest and plain numbers', () => {
    expect(() => assertTagName('latest')).toThrow(/reserved/);
    expect(() => assertTagName('42')).toThrow(/reserved/);
    expect(() => assertTagName('train-2026-11')).not.toThrow();
  });
});
