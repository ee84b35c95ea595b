// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Why `text` cannot be stored, or undefined: PostgreSQL's text refuses NUL, and a lone UTF-16
 * surrogate has no UTF-8 form (it would silently become U+FFFD).
 */
export function textProblem(text: string): string | undefined {
  const nul = text.indexOf('\u0000');
  if (nul !== -1) return `contains a NUL character (U+0000) at position ${nul}, which cannot be stored; remove it`;
  const lone = loneSurrogate.exec(text);
  if (!lone) return undefined;
  const unit = text.charCodeAt(lone.index).toString(16).toUpperCase();
  return `contains a lone UTF-16 surrogate (U+${unit}) at position ${lone.index}, which is not a character; send valid Unicode`;
}
