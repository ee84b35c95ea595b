import { describe, expect, it } from 'vitest';
import { createConsoleLogger } from './logger.js';

describe('console logger', () => {
  it('writes pino-shaped JSON lines at or above its level, with child bindings', () => {
    const lines: string[] = [];
    const logger = createConsoleLogger({ level: 'info', write: (line) => lines.push(line) });
    logger.debug('hidden');
    logger.info('plain');
    logger.child({ component: 'db' }).warn({ port: 5 }, 'with fields');
    logger.error({ err: new Error('boom') });
    const parsed = lines.map((line) => JSON.parse(line));
    expect(parsed).toHaveLength(3);
    expect(parsed[0]).toMatchObject({ level: 30, msg: 'plain' });
    expect(parsed[1]).toMatchObject({ level: 40, msg: 'with fields', component: 'db', port: 5 });
    expect(parsed[2].err).toMatchObject({ type: 'Error', message: 'boom' });
    expect(typeof parsed[0].time).toBe('number');
  });

  it('writes nothing when silent', () => {
    const lines: string[] = [];
    createConsoleLogger({ level: 'silent', write: (line) => lines.push(line) }).fatal('x');
    expect(lines).toEqual([]);
  });
});
