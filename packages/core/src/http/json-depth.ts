import { invalidParameter } from './http-problem.js';

/** How deep JSON bodies may nest. MLflow's messages need 5 levels; a few more leave room for values. */
export const maxJsonDepth = 100;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/** The index of the quote that closes the string opened at `start`: the next one not escaped by a backslash. */
function stringEnd(text: string, start: number): number {
  let end = start;
  for (;;) {
    end = text.indexOf('"', end + 1);
    if (end === -1) return text.length;
    let backslashes = 0;
    while (text.charCodeAt(end - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return end;
  }
}

/** The characters that matter to nesting; everything else (digits, commas, spaces) is skipped by the regex engine. */
const structural = /["[\]{}]/g;

/**
 * Refuses JSON text nested deeper than `limit`, by one pass over the text (no recursion), before
 * anything recursive (parsing, schema checks, serialising) can overflow the stack on it. The regex
 * engine skips to the next quote or bracket, and strings are skipped with indexOf, so a 16 MiB tag
 * value or a tensor of a million numbers costs little.
 */
export function assertJsonDepth(text: string, limit: number = maxJsonDepth): void {
  let depth = 0;
  structural.lastIndex = 0;
  while (structural.test(text)) {
    const i = structural.lastIndex - 1;
    const code = text.charCodeAt(i);
    if (code === QUOTE) {
      structural.lastIndex = stringEnd(text, i) + 1;
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      if (++depth > limit) {
        structural.lastIndex = 0;
        throw invalidParameter(
          `The request body is nested more than ${limit} levels deep; MLflow's requests need far fewer. Flatten the value.`,
        );
      }
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      depth--;
    }
  }
}
