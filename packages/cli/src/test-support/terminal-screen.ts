/** A stand-in stderr for tests: a terminal of `columns` width, or a pipe; keeps what was written. */
export function terminalStream(isTTY: boolean, columns = 40) {
  const chunks: string[] = [];
  return { isTTY, columns, rows: 24, chunks, write: (chunk: string) => chunks.push(chunk), text: () => chunks.join('') };
}

/**
 * What a terminal shows after the written bytes: a tiny emulator of the sequences log-update writes
 * (cursor up, erase line, cursor to column 0, synchronized output on/off), enough to read the screen.
 */
const ESC = '\u001b';

export function screen(text: string): string[] {
  const lines: string[] = [''];
  let row = 0;
  let column = 0;
  const pattern = new RegExp(`${ESC}\\[(\\??)(\\d*)([A-Za-z])|\\n|\\r|[^${ESC}\\n\\r]`, 'gu');
  for (const match of text.matchAll(pattern)) {
    const token = match[0];
    if (token === '\n') {
      row++;
      column = 0;
      lines[row] ??= '';
    } else if (token === '\r') column = 0;
    else if (token.startsWith('\x1b[')) {
      const count = Number(match[2] || '1');
      const command = match[3];
      if (match[1] === '?') continue; // synchronized output, cursor visibility
      if (command === 'A') row = Math.max(0, row - count);
      else if (command === 'B') row += count;
      else if (command === 'G') column = Math.max(0, count - 1);
      else if (command === 'K') lines[row] = (lines[row] ?? '').slice(0, match[2] === '2' ? 0 : column);
      else throw new Error(`the test's terminal does not know ${JSON.stringify(token)}`);
      lines[row] ??= '';
    } else {
      const line = lines[row] ?? '';
      lines[row] = line.slice(0, column) + token + line.slice(column + 1);
      column++;
    }
  }
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
