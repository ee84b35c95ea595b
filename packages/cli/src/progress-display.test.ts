import { describe, expect, it } from 'vitest';
import { createProgressDisplay, formatDuration, truncate } from './progress-display.js';
import { screen, terminalStream } from './test-support/terminal-screen.js';

const stream = terminalStream;

describe('createProgressDisplay on a terminal', () => {
  it('truncates live lines to the terminal width so they never wrap', () => {
    const stderr = stream(true, 20);
    const display = createProgressDisplay({ stream: stderr, enabled: () => true });
    display.status(['trial 3 running epoch 2/6 {"units":[64,32],"learningRate":0.001}', 'short']);
    const shown = screen(stderr.text());
    expect(shown).toEqual(['trial 3 running ep…', 'short']);
    for (const line of shown) expect([...line].length).toBeLessThan(20);
  });

  it('keeps permanent lines above the live block, which is redrawn in place', () => {
    const stderr = stream(true, 60);
    const display = createProgressDisplay({ stream: stderr, enabled: () => true });
    display.line('search r1 started; resume with --resume r1');
    display.status('0/3 done, 1 running');
    display.line('✓ trial 0 FINISHED val_auc=0.81 (2.1s)');
    display.status(['1/3 done, 2 running', 'trial 1 epoch 3/6']);
    display.line('✗ trial 1 FAILED');
    display.status('2/3 done, 1 running');
    expect(screen(stderr.text())).toEqual([
      'search r1 started; resume with --resume r1',
      '✓ trial 0 FINISHED val_auc=0.81 (2.1s)',
      '✗ trial 1 FAILED',
      '2/3 done, 1 running',
    ]);
    display.clear();
    expect(screen(stderr.text())).toEqual([
      'search r1 started; resume with --resume r1',
      '✓ trial 0 FINISHED val_auc=0.81 (2.1s)',
      '✗ trial 1 FAILED',
    ]);
  });

  it('shows a counter of bytes with its rate and ETA, and removes it when done', () => {
    let now = 0;
    const stderr = stream(true, 80);
    const display = createProgressDisplay({ stream: stderr, enabled: () => true, now: () => now });
    const bytes = display.counter('hashing big.bin', { unit: 'bytes', total: 4 * 1024 ** 3 });
    now = 2000;
    bytes.update(1024 ** 3);
    expect(screen(stderr.text())).toEqual(['hashing big.bin  1.0 GiB/4.0 GiB  25%  512.0 MiB/s  ETA 6s']);
    bytes.done();
    expect(screen(stderr.text())).toEqual([]);
  });

  it('counts rows for a predict-like loop, redrawing at most every 100 ms', () => {
    let now = 0;
    const stderr = stream(true, 80);
    const display = createProgressDisplay({ stream: stderr, enabled: () => true, now: () => now });
    const rows = display.counter('predicting', { total: 3000 });
    for (let chunk = 0; chunk < 3; chunk++) {
      now += 1000;
      rows.add(1000);
    }
    expect(screen(stderr.text())).toEqual(['predicting  3,000/3,000 rows  100%  1,000 rows/s']);
    const writes = stderr.chunks.length;
    rows.add(0); // the same millisecond: no redraw
    expect(stderr.chunks.length).toBe(writes);
  });
});

describe('createProgressDisplay and other writers of stderr', () => {
  it('puts a log line above the live block instead of through it', () => {
    const stderr = stream(true, 60);
    const display = createProgressDisplay({ stream: stderr, enabled: () => true });
    display.status(['2/3 done', 'trial 2: epoch 1/6']);
    display.stream.write('WARN: the tracking server is slow\n');
    expect(screen(stderr.text())).toEqual(['WARN: the tracking server is slow', '2/3 done', 'trial 2: epoch 1/6']);
  });

  it('passes log lines through unchanged in a pipe and under --json', () => {
    const pipe = stream(false);
    createProgressDisplay({ stream: pipe, enabled: () => true }).stream.write('WARN: x\n');
    const json = stream(true);
    createProgressDisplay({ stream: json, enabled: () => false }).stream.write('{"level":40}\n');
    expect([pipe.text(), json.text()]).toEqual(['WARN: x\n', '{"level":40}\n']);
  });
});

describe('createProgressDisplay in a pipe or under --json', () => {
  it('prints permanent lines as plain lines and nothing live, without escape codes', () => {
    const stderr = stream(false);
    const display = createProgressDisplay({ stream: stderr, enabled: () => true });
    display.line('trial 0 FINISHED val_auc=0.81');
    display.status('1/3 done');
    const counter = display.counter('hashing', { unit: 'bytes', total: 10 });
    counter.update(5);
    counter.done();
    display.line('trial 1 FINISHED val_auc=0.83');
    display.clear();
    expect(stderr.text()).toBe('trial 0 FINISHED val_auc=0.81\ntrial 1 FINISHED val_auc=0.83\n');
    expect(stderr.text()).not.toContain('\u001b');
  });

  it('prints nothing at all under --json, even on a terminal', () => {
    const stderr = stream(true);
    const display = createProgressDisplay({ stream: stderr, enabled: () => false });
    display.line('trial 0 FINISHED');
    display.status('1/3 done');
    display.counter('rows').add(5);
    display.clear();
    expect(stderr.text()).toBe('');
  });
});

describe('formatting', () => {
  it('cuts a line to the width with an ellipsis, counting code points', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('✓ ab', 4)).toBe('✓ ab');
  });

  it('prints durations short', () => {
    expect([formatDuration(4.4), formatDuration(185), formatDuration(3720)]).toEqual(['4s', '3m05s', '1h02m']);
  });
});
