import { describe, expect, it } from 'vitest';
import { createWebhookTargetPolicy, parseWebhookUrl, resolveWebhookTarget } from './webhook-target.js';

describe('webhook target policy', () => {
  const strict = createWebhookTargetPolicy([]);

  it('refuses loopback, private, link-local and special-use addresses, in every spelling', () => {
    for (const address of [
      '127.0.0.1',
      '127.8.9.10',
      '0.0.0.0',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '224.0.0.1',
      '255.255.255.255',
      '::1',
      '::',
      'fe80::1',
      'fd00::1',
      'fc00::5',
      'ff02::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::ffff:169.254.169.254',
      '::127.0.0.1',
      '64:ff9b::a9fe:a9fe', // NAT64 of 169.254.169.254
      '2002:7f00:1::1', // 6to4 of 127.0.0.1
    ]) {
      expect(strict.allows(address), address).toBe(false);
    }
  });

  it('allows public addresses, also inside NAT64 and IPv4-mapped forms', () => {
    for (const address of ['8.8.8.8', '1.1.1.1', '172.32.0.1', '2606:4700:4700::1111', '64:ff9b::808:808', '::ffff:8.8.8.8']) {
      expect(strict.allows(address), address).toBe(true);
    }
  });

  it('allows exactly the networks an administrator lists', () => {
    const loopback = createWebhookTargetPolicy(['127.0.0.0/8', '::1']);
    expect(loopback.allows('127.0.0.1')).toBe(true);
    expect(loopback.allows('::ffff:127.0.0.1')).toBe(true);
    expect(loopback.allows('::1')).toBe(true);
    expect(loopback.allows('10.0.0.1')).toBe(false);
    expect(loopback.allows('169.254.169.254')).toBe(false);
    expect(() => createWebhookTargetPolicy(['10.0.0.0/33'])).toThrow(/Invalid allowed webhook network/);
    expect(() => createWebhookTargetPolicy(['intranet'])).toThrow(/Invalid allowed webhook network/);
  });

  it('takes http and https URLs without credentials', () => {
    expect(parseWebhookUrl('https://ci.example.com/hooks').host).toBe('ci.example.com');
    expect(() => parseWebhookUrl('ftp://example.com/')).toThrow(/http/);
    expect(() => parseWebhookUrl('https://user:pass@example.com/')).toThrow(/user name or password/);
    expect(() => parseWebhookUrl('https://token@example.com/')).toThrow(/user name or password/);
    expect(() => parseWebhookUrl('not a url')).toThrow(/Invalid webhook URL/);
  });

  it('refuses a URL whose host is, or resolves to, a refused address', async () => {
    for (const url of [
      'http://127.0.0.1:9/',
      'http://[::1]/',
      'http://[::ffff:127.0.0.1]/',
      'http://2130706433/',
      'http://localhost/',
      'http://169.254.169.254/latest/meta-data/',
    ]) {
      await expect(resolveWebhookTarget(new URL(url), strict), url).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    }
    expect(await resolveWebhookTarget(new URL('http://localhost/'), createWebhookTargetPolicy(['127.0.0.0/8', '::1']))).not.toHaveLength(0);
  });
});
