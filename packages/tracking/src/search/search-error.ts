import { MlpError } from '@mlp/core';

/** The text being parsed, named as the user knows it ("filter", "order_by[2]"). */
export interface SearchSource {
  label: string;
  text: string;
  /** Extra facts for the error's details, e.g. which order_by item. */
  details?: Record<string, unknown>;
}

const snippetWidth = 80;

/**
 * The source line with a caret under `position`. Long texts are cut to a window around the
 * position; tabs and newlines become spaces so the caret stays under the right character.
 */
export function caretSnippet(text: string, position: number): string {
  const flat = text.replace(/[\t\n\r\v\f]/g, ' ');
  let start = 0;
  let end = flat.length;
  if (flat.length > snippetWidth) {
    start = Math.max(0, Math.min(position - snippetWidth / 2, flat.length - snippetWidth));
    end = Math.min(flat.length, start + snippetWidth);
  }
  const head = start > 0 ? '...' : '';
  const tail = end < flat.length ? '...' : '';
  const line = `${head}${flat.slice(start, end)}${tail}`;
  return `  ${line}\n  ${' '.repeat(head.length + position - start)}^`;
}

/** An INVALID_ARGUMENT error pointing at a character of the search text (0-based, like JSON.parse). */
export function searchSyntaxError(source: SearchSource, position: number, message: string): MlpError {
  return new MlpError(
    'INVALID_ARGUMENT',
    `Invalid ${source.label} at position ${position}: ${message}\n${caretSnippet(source.text, position)}`,
    {
      details: { ...source.details, position },
    },
  );
}
