import { describe, expect, it } from 'vitest';
import { createCliLogger, humanLogLine } from './cli-logger.js';

describe('createCliLogger', () => {
  it('writes short human lines at or above its level', () => {
    const lines: string[] = [];
    const logger = createCliLogger({ level: 'warn', json: false, stderr: { write: (chunk: string) => lines.push(chunk) } });
    logger.info('hidden');
    logger.warn({ free: 3 }, 'disk low');
    expect(lines).toEqual(['warn: disk low {"free":3}\n']);
  });

  it('writes JSON lines under --json', () => {
    const lines: string[] = [];
    createCliLogger({ level: 'info', json: true, stderr: { write: (chunk: string) => lines.push(chunk) } }).info('started');
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ level: 30, msg: 'started' });
  });

  it('passes through a line that is not JSON', () => {
    expect(humanLogLine('plain')).toBe('plain');
  });
});
