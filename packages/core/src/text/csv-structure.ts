/**
 * Finds the first record of a CSV text whose field count differs from the header's, or an unterminated
 * quote, following RFC 4180 (quotes double to escape; quoted fields may span lines; blank lines are
 * skipped). DuckDB's reader refuses such a file without saying where; this says which line.
 */
export function findMalformedCsvRecord(text: string, delimiter = ','): { line: number; message: string } | undefined {
  let line = 1;
  let recordLine = 1;
  let fields = 1;
  let content = false;
  let expected: number | undefined;
  let inQuotes = false;
  let atFieldStart = true;
  const endRecord = (): { line: number; message: string } | undefined => {
    if (expected === undefined) expected = fields;
    else if (fields !== expected)
      return { line: recordLine, message: `line ${recordLine} has ${fields} fields; the header has ${expected}` };
    return undefined;
  };
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (inQuotes) {
      if (char === '"') {
        if (text[i + 1] === '"') i++;
        else inQuotes = false;
      } else if (char === '\n') line++;
      continue;
    }
    if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      if (content) {
        const problem = endRecord();
        if (problem) return problem;
      }
      line++;
      recordLine = line;
      fields = 1;
      content = false;
      atFieldStart = true;
      continue;
    }
    content = true;
    if (char === '"' && atFieldStart) inQuotes = true;
    else if (char === delimiter) {
      fields++;
      atFieldStart = true;
      continue;
    }
    atFieldStart = false;
  }
  if (inQuotes) return { line: recordLine, message: `line ${recordLine} opens a quoted field that never closes` };
  return content ? endRecord() : undefined;
}
