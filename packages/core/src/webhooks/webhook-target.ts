import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { MlpError } from '../errors/mlp-error.js';

/**
 * Where webhooks may go. A webhook runs a request from the server's network, so without limits it
 * would let anyone who can create one probe the server's own machine and private network (and cloud
 * metadata at 169.254.169.254). Loopback, private, link-local and other special-use addresses are
 * refused unless the administrator allows their network (`webhookAllowedNetworks`).
 */
export interface WebhookTargetPolicy {
  /** Whether a literal address (v4 or v6) may be sent to. */
  allows(address: string): boolean;
  /** Where the administrator allows a network, for the refusal's message (the sender's setting and variable). */
  readonly allowHint: string;
}

const refusedV4 = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.0.2.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '224.0.0.0/4',
  '240.0.0.0/4',
];
// IPv4-mapped addresses (::ffff:a.b.c.d) are checked against the IPv4 ranges by BlockList itself.
const refusedV6 = ['::/96', '::1/128', '100::/64', '2001:db8::/32', 'fc00::/7', 'fe80::/10', 'fec0::/10', 'ff00::/8'];
/** Prefixes that carry an IPv4 address inside (NAT64, 6to4): judged by the address they carry. */
const embedding: Array<{ prefix: number[]; words: number; at: number }> = [
  { prefix: [0x64, 0xff9b, 0, 0, 0, 0], words: 6, at: 6 },
  { prefix: [0x64, 0xff9b, 1], words: 3, at: 6 },
  { prefix: [0x2002], words: 1, at: 1 },
];

function addNetwork(list: BlockList, network: string): boolean {
  const [address = '', bits] = network.split('/');
  const family = isIP(address);
  if (family === 0) return false;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (bits === undefined) list.addAddress(address, type);
  else {
    const prefix = Number(bits);
    if (!/^\d+$/.test(bits) || prefix > (family === 4 ? 32 : 128)) return false;
    list.addSubnet(address, prefix, type);
  }
  return true;
}

/** The eight 16-bit words of an IPv6 address (a trailing dotted quad and a zone allowed). */
function words(address: string): number[] {
  let text = address.split('%')[0] ?? '';
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const front = head === '' ? [] : head.split(':');
  const back = tail === undefined || tail === '' ? [] : tail.split(':');
  const middle = tail === undefined ? [] : Array<string>(8 - front.length - back.length).fill('0');
  return [...front, ...middle, ...back].map((word) => Number.parseInt(word, 16));
}

/** The IPv4 address a NAT64 or 6to4 address carries, if it is one. */
function embeddedV4(address: string): string | undefined {
  const all = words(address);
  for (const { prefix, words: count, at } of embedding) {
    if (prefix.slice(0, count).every((word, index) => all[index] === word)) {
      const high = all[at] ?? 0;
      const low = all[at + 1] ?? 0;
      return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
    }
  }
  return undefined;
}

/**
 * The policy for `allowedNetworks` (CIDRs such as `127.0.0.0/8`, or single addresses); INVALID_ARGUMENT
 * for a malformed one. `allowHint` names where the sender's administrator allows a network
 * (`the registry settings (webhookAllowedNetworks, MLP_REGISTRY_WEBHOOK_ALLOWED_NETWORKS)`).
 */
export function createWebhookTargetPolicy(
  allowedNetworks: readonly string[],
  allowHint = 'the allowed webhook networks',
): WebhookTargetPolicy {
  const allowed = new BlockList();
  for (const network of allowedNetworks) {
    if (!addNetwork(allowed, network)) {
      throw new MlpError(
        'INVALID_ARGUMENT',
        `Invalid allowed webhook network ${JSON.stringify(network)}: use a CIDR such as 10.0.0.0/8 or fd00::/8, or one address.`,
      );
    }
  }
  const refused = new BlockList();
  for (const network of [...refusedV4, ...refusedV6]) addNetwork(refused, network);
  const allows = (address: string): boolean => {
    const family = isIP(address);
    if (family === 0) return false;
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (allowed.check(address, type)) return true;
    if (refused.check(address, type)) return false;
    const inner = family === 6 ? embeddedV4(address) : undefined;
    return inner === undefined || allows(inner);
  };
  return { allows, allowHint };
}

/** A webhook URL as stored: http or https, a host, and no credentials (they would be sent nowhere, and leak in listings). */
export function parseWebhookUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new MlpError('INVALID_ARGUMENT', `Invalid webhook URL ${JSON.stringify(raw)}: use an http:// or https:// URL.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new MlpError('INVALID_ARGUMENT', `Webhook URL ${JSON.stringify(raw)} must be http:// or https://.`);
  if (url.username !== '' || url.password !== '') {
    throw new MlpError(
      'INVALID_ARGUMENT',
      'A webhook URL must not carry a user name or password: receivers authenticate deliveries by their signature (x-mlp-signature-256).',
    );
  }
  if (url.hostname === '') throw new MlpError('INVALID_ARGUMENT', `Webhook URL ${JSON.stringify(raw)} names no host.`);
  return url;
}

export interface TargetAddress {
  address: string;
  family: 4 | 6;
}

/**
 * Every address the URL's host stands for now, each allowed by the policy. Called when a webhook is
 * created and again before each delivery (the delivery then connects to exactly these addresses), so
 * a name that later resolves to a private address (DNS rebinding) is refused too.
 */
export async function resolveWebhookTarget(url: URL, policy: WebhookTargetPolicy): Promise<TargetAddress[]> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const family = isIP(host);
  let addresses: TargetAddress[];
  if (family !== 0) addresses = [{ address: host, family: family as 4 | 6 }];
  else {
    const found = await lookup(host, { all: true, verbatim: true }).catch((error: NodeJS.ErrnoException) => {
      throw new MlpError('UNAVAILABLE', `The webhook host ${host} does not resolve (${error.code ?? 'lookup failed'}): check its name.`, {
        cause: error,
      });
    });
    addresses = found.map((entry) => ({ address: entry.address, family: entry.family === 6 ? 6 : 4 }));
  }
  if (addresses.length === 0 || !addresses.every((entry) => policy.allows(entry.address))) {
    throw new MlpError(
      'PERMISSION_DENIED',
      `The webhook host ${host} is (or resolves to) a loopback, private, link-local or reserved address, which webhooks may not target. ` +
        `To send webhooks inside your network, allow it in ${policy.allowHint}.`,
    );
  }
  return addresses;
}
