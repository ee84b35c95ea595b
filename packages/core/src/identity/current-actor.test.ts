import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { currentActor } from './current-actor.js';

describe('currentActor', () => {
  const login = { LOGNAME: 'login', USER: 'user' };

  it('takes the explicit actor first, then MLP_USER, then MLP_ACTOR, then the login name', () => {
    const env = { MLP_USER: 'mlp-user', MLP_ACTOR: 'mlp-actor', ...login };
    expect(currentActor({ actor: 'alice', env })).toBe('alice');
    expect(currentActor({ env })).toBe('mlp-user');
    expect(currentActor({ env: { MLP_ACTOR: 'mlp-actor', ...login } })).toBe('mlp-actor');
    expect(currentActor({ env: login })).toBe('login');
    expect(currentActor({ env: { USERNAME: 'windows' } })).toBe('windows');
  });

  it('ignores empty values', () => {
    expect(currentActor({ actor: '', env: { MLP_USER: '', ...login } })).toBe('login');
  });

  it('falls back to the OS account', () => {
    expect(currentActor({ env: {} })).toBe(os.userInfo().username);
  });
});
