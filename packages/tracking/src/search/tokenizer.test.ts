import { describe, expect, it } from 'vitest';
import { tokenize } from './tokenizer.js';

const kinds = (text: string) => tokenize({ label: 'filter', text }).map((token) => `${token.kind}:${token.value}`);

describe('tokenize', () => {
  it('splits a condition and keeps positions', () => {
    const tokens = tokenize({ label: 'filter', text: "metrics.rmse <= -1.5e3 and params.`a b` LIKE 'x%'" });
    expect(tokens.map((token) => [token.kind, token.text, token.start, token.end])).toEqual([
      ['word', 'metrics', 0, 7],
      ['dot', '.', 7, 8],
      ['word', 'rmse', 8, 12],
      ['operator', '<=', 13, 15],
      ['number', '-1.5e3', 16, 22],
      ['word', 'and', 23, 26],
      ['word', 'params', 27, 33],
      ['dot', '.', 33, 34],
      ['backtick', '`a b`', 34, 39],
      ['word', 'LIKE', 40, 44],
      ['string', "'x%'", 45, 49],
      ['end', '', 49, 49],
    ]);
  });

  it('reads a dot glued to a name as a separator, elsewhere as the start of a number', () => {
    expect(kinds('tags.v1.2')).toEqual(['word:tags', 'dot:.', 'word:v1', 'dot:.', 'word:2', 'end:']);
    expect(kinds('a > .5')).toEqual(['word:a', 'operator:>', 'number:.5', 'end:']);
    expect(kinds('a>.5')).toEqual(['word:a', 'operator:>', 'number:.5', 'end:']);
    expect(kinds('a = -.5')).toEqual(['word:a', 'operator:=', 'number:-.5', 'end:']);
  });

  it('reads every operator', () => {
    expect(kinds('!= <> == <= >= < > =')).toEqual([
      'operator:!=',
      'operator:<>',
      'operator:==',
      'operator:<=',
      'operator:>=',
      'operator:<',
      'operator:>',
      'operator:=',
      'end:',
    ]);
  });

  it('reads lists', () => {
    expect(kinds("('a','b')")).toEqual(['lparen:(', 'string:a', 'comma:,', 'string:b', 'rparen:)', 'end:']);
  });

  it('marks the quote of a string', () => {
    const [single, double] = tokenize({ label: 'filter', text: `'a' "b"` });
    expect(single?.quote).toBe("'");
    expect(double?.quote).toBe('"');
  });
});
