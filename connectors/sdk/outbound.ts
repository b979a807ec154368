// Outbound safety (SSRF): vendor calls go to public addresses only, unless a local simulator is explicitly allowed.
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { DestinationRefused } from './errors.js';

const PRIVATE = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv4');
}
PRIVATE.addAddress('::', 'ipv6');
PRIVATE.addAddress('::1', 'ipv6');
PRIVATE.addSubnet('fc00::', 7, 'ipv6');
PRIVATE.addSubnet('fe80::', 10, 'ipv6');

/** True for loopback, private (RFC 1918, ULA), link-local (cloud metadata at 169.254.169.254) and unspecified addresses. */
export function isPrivateAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  // IPv4-mapped IPv6 (::ffff:10.0.0.1) reaches the IPv4 address.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  if (mapped) return isPrivateAddress(mapped[1]!);
  const family = isIP(bare);
  if (family === 4) return PRIVATE.check(bare, 'ipv4');
  if (family === 6) return PRIVATE.check(bare, 'ipv6');
  return false;
}

/** The environment's permission for private vendor URLs: set by the local stack and the tests, never in AWS. */
export function privateNetworkAllowed(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.SYNCLINE_ALLOW_PRIVATE_VENDOR_URLS === '1';
}

export type Resolve = (hostname: string) => Promise<{ address: string; family: number }[]>;
export const resolveAll: Resolve = (hostname) => lookup(hostname, { all: true, verbatim: true });

/** Resolves `hostname` and returns its first address, refusing it when any of its addresses is private. */
export async function publicAddress(
  vendor: string,
  hostname: string,
  resolve: Resolve = resolveAll,
): Promise<{ address: string; family: number }> {
  const bare = hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(bare) ? [{ address: bare, family: isIP(bare) }] : await resolve(bare);
  const refused = addresses.find((a) => isPrivateAddress(a.address));
  if (refused || addresses.length === 0) {
    throw new DestinationRefused(
      `${vendor}: ${hostname} ${refused ? `resolves to the private address ${refused.address}` : 'does not resolve'}; vendor calls go to public addresses only (local simulators: SYNCLINE_ALLOW_PRIVATE_VENDOR_URLS=1)`,
    );
  }
  return addresses[0]!;
}
