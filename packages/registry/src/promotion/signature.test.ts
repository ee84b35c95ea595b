import { describe, expect, it } from 'vitest';
import { signatureIncompatibility } from './signature.js';

const sig = (inputs: unknown, outputs: unknown = [{ name: 'y', type: 'double' }]) => JSON.stringify({ inputs, outputs });

describe('signatureIncompatibility', () => {
  it('accepts the same columns in any order, and MLflow’s JSON-text column lists', () => {
    const current = sig([
      { name: 'a', type: 'double' },
      { name: 'b', type: 'long' },
    ]);
    expect(
      signatureIncompatibility(
        sig([
          { name: 'b', type: 'long' },
          { name: 'a', type: 'double' },
        ]),
        current,
      ),
    ).toBeUndefined();
    expect(
      signatureIncompatibility(
        sig(
          JSON.stringify([
            { name: 'a', type: 'double' },
            { name: 'b', type: 'long' },
          ]),
        ),
        current,
      ),
    ).toBeUndefined();
  });

  it('reads a side given as the JSON Schema of one record: properties are columns, prose ignored', () => {
    const schema = (properties: Record<string, unknown>) =>
      JSON.stringify({
        inputs: { type: 'object', properties },
        outputs: { type: 'object', properties: { prediction: { type: 'number' } } },
      });
    const current = schema({ distance: { type: ['number', 'null'], description: 'miles' }, origin: { type: 'string', examples: ['SEA'] } });
    expect(
      signatureIncompatibility(schema({ origin: { type: 'string', examples: ['LAX'] }, distance: { type: ['number', 'null'] } }), current),
    ).toBeUndefined();
    expect(signatureIncompatibility(schema({ distance: { type: ['number', 'null'] } }), current)).toMatch(/input origin:.* is missing/);
    expect(signatureIncompatibility(schema({ distance: { type: 'string' }, origin: { type: 'string' } }), current)).toMatch(
      /input distance:"?\{?.*differs/,
    );
  });

  it('names the column that changed, went missing or is new', () => {
    const current = sig([{ name: 'a', type: 'double' }]);
    expect(signatureIncompatibility(sig([{ name: 'a', type: 'string' }]), current)).toBe(
      'input a:string differs from the current a:double',
    );
    expect(signatureIncompatibility(sig([]), current)).toBe('input a:double is missing');
    expect(
      signatureIncompatibility(
        sig([
          { name: 'a', type: 'double' },
          { name: 'c', type: 'long' },
        ]),
        current,
      ),
    ).toBe('input c:long is new');
    expect(signatureIncompatibility(sig([{ name: 'a', type: 'double' }], []), current)).toBe('output y:double is missing');
  });

  it('no current signature: anything goes; no candidate signature against one: refused', () => {
    expect(signatureIncompatibility(null, null)).toBeUndefined();
    expect(signatureIncompatibility(sig([]), null)).toBeUndefined();
    expect(signatureIncompatibility(null, sig([]))).toMatch(/no signature/);
    expect(signatureIncompatibility('{oops', sig([]))).toMatch(/not valid JSON/);
  });
});
