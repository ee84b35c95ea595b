import { invalidParameter } from './http-error.js';

/** How deep JSON bodies may nest. MLflow's messages need 5 levels; a few more leave room for values. */
export const maxJsonDepth = 100;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/**
 * Refuses JSON text nested deeper than `limit`, by one pass over the text (no recursion), before
 * anything recursive (parsing, schema checks, serialising) can overflow the stack on it.
 */
export function assertJsonDepth(text: string, limit: number = maxJsonDepth): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === BACKSLASH) i++;
      else if (code === QUOTE) inString = false;
    } else if (code === QUOTE) {
      inString = true;
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      if (++depth > limit) {
        throw invalidParameter(
          `The request body is nested more than ${limit} levels deep; MLflow's requests need far fewer. Flatten the value.`,
        );
      }
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      depth--;
    }
  }
}
