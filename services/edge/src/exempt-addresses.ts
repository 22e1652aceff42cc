import { BlockList, isIPv6 } from 'node:net';

/**
 * Whether a client address falls in one of `cidrs` (`RATE_LIMIT_EXEMPT_CIDRS`), which the rate
 * limits then never refuse. An IPv4 client reached over an IPv6 socket (`::ffff:203.0.113.7`) is
 * matched as the IPv4 address it is.
 */
export function exemptAddresses(cidrs: readonly string[]): (address: string) => boolean {
  const list = new BlockList();
  for (const entry of cidrs) {
    const [network, prefix] = entry.split('/') as [string, string];
    list.addSubnet(network, Number(prefix), isIPv6(network) ? 'ipv6' : 'ipv4');
  }
  return (address) => {
    const mapped = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
    return list.check(mapped, isIPv6(mapped) ? 'ipv6' : 'ipv4');
  };
}
