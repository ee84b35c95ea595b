import { MlpError } from '@mlp/core';
import { describe, expect, it } from 'vitest';
import { caretSnippet, searchSyntaxError } from './search-error.js';

describe('search syntax errors', () => {
  it('puts the caret under the position', () => {
    expect(caretSnippet('abc def', 4)).toBe('  abc def\n      ^');
    expect(caretSnippet('abc', 3)).toBe('  abc\n     ^');
  });

  it('keeps the caret aligned across tabs and newlines', () => {
    expect(caretSnippet('a\tb\nc', 4)).toBe('  a b c\n      ^');
  });

  it('cuts a long text to a window around the position', () => {
    const text = `${'x'.repeat(100)}HERE${'y'.repeat(100)}`;
    const [line, caret] = caretSnippet(text, 100).split('\n') as [string, string];
    expect(line.startsWith('  ...')).toBe(true);
    expect(line.endsWith('...')).toBe(true);
    expect(line.length).toBeLessThan(100);
    expect(line[caret.length - 1]).toBe('H');
  });

  it('windows the start and end of a long text', () => {
    const text = 'z'.repeat(200);
    const [startLine, startCaret] = caretSnippet(text, 0).split('\n') as [string, string];
    expect(startLine.startsWith('  zzz')).toBe(true);
    expect(startCaret).toBe('  ^');
    const [endLine, endCaret] = caretSnippet(text, 200).split('\n') as [string, string];
    expect(endLine.startsWith('  ...')).toBe(true);
    expect(endCaret.length).toBe(endLine.length + 1);
  });

  it('is an INVALID_ARGUMENT MlpError with the position in its details', () => {
    const error = searchSyntaxError({ label: 'order_by[2]', text: 'abc', details: { index: 2 } }, 1, 'bad b');
    expect(MlpError.isInstance(error)).toBe(true);
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.httpStatus).toBe(400);
    expect(error.details).toEqual({ index: 2, position: 1 });
    expect(error.message).toBe('Invalid order_by[2] at position 1: bad b\n  abc\n   ^');
  });
});
