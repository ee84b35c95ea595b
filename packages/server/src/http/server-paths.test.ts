import { describe, expect, it } from 'vitest';
import { hideServerPaths, serverPathsOf } from './server-paths.js';

describe('hideServerPaths', () => {
  const paths = serverPathsOf({
    config: { dir: '/srv/ws', stateDir: '/srv/ws/.mlp' } as never,
    blobs: { location: '/srv/ws/.mlp/blobs' } as never,
  });

  it('replaces the longest folder first, every time it occurs', () => {
    expect(hideServerPaths('No blob at /srv/ws/.mlp/blobs/a, or /srv/ws/.mlp/x, or /srv/ws/y; /srv/ws/.mlp/blobs', paths)).toBe(
      'No blob at <blob store>/a, or <workspace state>/x, or <workspace>/y; <blob store>',
    );
  });

  it('leaves messages without server folders, and bucket locations, alone', () => {
    expect(hideServerPaths('No API endpoint at /api/2.0/x.', paths)).toBe('No API endpoint at /api/2.0/x.');
    expect(serverPathsOf({ config: { dir: '/', stateDir: '/.mlp' } as never, blobs: { location: 's3://bucket/p' } as never })).toEqual([
      ['/.mlp', '<workspace state>'],
    ]);
  });
});
