// Outbound safety (SSRF): vendor calls go to public unicast addresses only, unless a local simulator is explicitly allowed.
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { DestinationRefused } from './errors.js';

/**
 * IPv4 blocks that are no public unicast (IANA special-purpose registry): this network, RFC 1918, carrier-grade NAT,
 * loopback, link-local (cloud metadata at 169.254.169.254), IETF protocol assignments, documentation, the 6to4 relay,
 * benchmarking, multicast, reserved and broadcast.
 */
const NOT_PUBLIC_V4 = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  NOT_PUBLIC_V4.addSubnet(network, prefix, 'ipv4');
}

/** IPv6 global unicast is 2000::/3; everything else (::, ::1, NAT64 64:ff9b::/96, ULA, link-local, multicast, …) is refused. */
const GLOBAL_UNICAST_V6 = new BlockList();
GLOBAL_UNICAST_V6.addSubnet('2000::', 3, 'ipv6');
/** Inside 2000::/3 but not public: IETF protocol assignments (Teredo, which embeds IPv4), documentation, 6to4 (embeds IPv4). */
const NOT_PUBLIC_V6 = new BlockList();
for (const [network, prefix] of [
  ['2001::', 23],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['3fff::', 20],
] as const) {
  NOT_PUBLIC_V6.addSubnet(network, prefix, 'ipv6');
}

/** The IPv4 address of an IPv4-mapped IPv6 address (::ffff:0:0/96), in any spelling; undefined for other addresses. */
function mappedIpv4(ipv6: string): string | undefined {
  // The URL parser writes the address canonically (compressed, lower-case, an IPv4 tail in hex).
  const canonical = new URL(`http://[${ipv6}]`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (!mapped) return undefined;
  const high = Number.parseInt(mapped[1]!, 16);
  const low = Number.parseInt(mapped[2]!, 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/** True for anything but a public unicast address: vendor APIs live on public unicast addresses only. */
export function isPrivateAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 4) return NOT_PUBLIC_V4.check(bare, 'ipv4');
  if (family !== 6) return false;
  // An IPv4-mapped address reaches that IPv4 address, and is judged as it.
  const ipv4 = mappedIpv4(bare);
  if (ipv4 !== undefined) return isPrivateAddress(ipv4);
  return !GLOBAL_UNICAST_V6.check(bare, 'ipv6') || NOT_PUBLIC_V6.check(bare, 'ipv6');
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
      `${vendor}: ${hostname} ${refused ? `resolves to ${refused.address}, which is not a public unicast address` : 'does not resolve'}; vendor calls go to public addresses only (local simulators: SYNCLINE_ALLOW_PRIVATE_VENDOR_URLS=1)`,
    );
  }
  return addresses[0]!;
}
