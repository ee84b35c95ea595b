import { describe, expect, it } from 'vitest';
import { createOutput, renderTable } from './output.js';
import { screen, terminalStream } from './test-support/terminal-screen.js';

function sink(isTTY = false) {
  const chunks: string[] = [];
  return { isTTY, chunks, write: (chunk: string) => chunks.push(chunk), text: () => chunks.join('') };
}

describe('renderTable', () => {
  it('pads every column but the last to its widest cell', () => {
    const text = renderTable({
      rows: [
        ['✓', 'node', 'v20.1.0'],
        ['✗', 'database', 'unreachable'],
      ],
    });
    expect(text).toBe('✓  node      v20.1.0\n✗  database  unreachable');
  });

  it('prints the header row and the footer', () => {
    const text = renderTable({
      columns: ['NAME', 'VALUE'],
      rows: [
        ['a', '1'],
        ['longer', '22'],
      ],
      footer: 'two rows',
    });
    expect(text.split('\n')).toEqual(['NAME    VALUE', 'a       1', 'longer  22', 'two rows']);
  });

  it('does not leave trailing spaces when a row has an empty last cell', () => {
    expect(
      renderTable({
        rows: [
          ['a', ''],
          ['bbb', 'x'],
        ],
      }),
    ).toBe('a\nbbb  x');
  });
});

describe('createOutput', () => {
  it('prints human text at once and ignores the JSON value', () => {
    const stdout = sink();
    const output = createOutput({ stdout, stderr: sink(), json: () => false });
    output.result('hello', { ok: true });
    expect(stdout.text()).toBe('hello\n');
    expect(output.flush()).toBe(false);
  });

  it('renders a table in human mode', () => {
    const stdout = sink();
    createOutput({ stdout, stderr: sink(), json: () => false }).result({ rows: [['a', 'b']] }, {});
    expect(stdout.text()).toBe('a  b\n');
  });

  it('keeps only the last JSON value and prints it once on flush', () => {
    const stdout = sink();
    const output = createOutput({ stdout, stderr: sink(), json: () => true });
    output.result('first', { n: 1 });
    output.result('second', { n: 2 });
    expect(stdout.text()).toBe('');
    expect(output.flush()).toBe(true);
    expect(JSON.parse(stdout.text())).toEqual({ n: 2 });
    expect(output.flush()).toBe(false);
  });

  it('drops a kept JSON value on discard', () => {
    const stdout = sink();
    const output = createOutput({ stdout, stderr: sink(), json: () => true });
    output.result('x', { n: 1 });
    output.discard();
    expect(output.flush()).toBe(false);
    expect(stdout.text()).toBe('');
  });

  it('prints errors as text on stderr, or as the JSON error document on stdout', () => {
    const human = { stdout: sink(), stderr: sink() };
    createOutput({ ...human, json: () => false }).error({ code: 'NOT_FOUND', message: 'No run r1.' });
    expect(human.stderr.text()).toBe('error [NOT_FOUND]: No run r1.\n');
    expect(human.stdout.text()).toBe('');

    const machine = { stdout: sink(), stderr: sink() };
    createOutput({ ...machine, json: () => true }).error({ code: 'NOT_FOUND', message: 'No run r1.' });
    expect(JSON.parse(machine.stdout.text())).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'No run r1.' } });
    expect(machine.stderr.text()).toBe('');
  });

  it('shows progress only on a terminal and never under --json, and clears it before the result', () => {
    const notTty = sink(false);
    createOutput({ stdout: sink(), stderr: notTty, json: () => false }).progress('working');
    expect(notTty.text()).toBe('');

    const ttyJson = sink(true);
    createOutput({ stdout: sink(), stderr: ttyJson, json: () => true }).progress('working');
    expect(ttyJson.text()).toBe('');

    const tty = terminalStream(true);
    const stdout = sink();
    const output = createOutput({ stdout, stderr: tty, json: () => false });
    output.progress('working');
    expect(screen(tty.text())).toEqual(['working']);
    output.result('done', {});
    expect(screen(tty.text())).toEqual([]);
    expect(stdout.text()).toBe('done\n');
  });
});
