import { type LookupAddress, lookup } from 'node:dns';
import ipaddr from 'ipaddr.js';

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A delivery's endpoint resolved to an address deliveries may not go to. */
export class WebhookAddressRefused extends Error {
  readonly code = 'ERR_WEBHOOK_ADDRESS_REFUSED';
  constructor() {
    super('the webhook endpoint resolves to a non-public address');
    this.name = 'WebhookAddressRefused';
  }
}

/** Whether deliveries may go to this address: a public unicast one, or anything when allowed. */
export function isPublicAddress(address: string): boolean {
  // `process` turns an IPv4-mapped IPv6 address back into IPv4, so ::ffff:127.0.0.1 is loopback.
  return ipaddr.isValid(address) && ipaddr.process(address).range() === 'unicast';
}

/**
 * A `lookup` for node's http and https agents that refuses loopback, private, link-local and
 * other non-public addresses (SSRF: a tenant's endpoint must not reach the service network or
 * the cloud metadata address). Checking the address the socket connects to, not the name before
 * the request, leaves no gap for a name that resolves differently a moment later.
 */
export function guardedLookup(hostname: string, options: object, callback: LookupCallback): void {
  lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const refused = addresses.find(({ address }) => !isPublicAddress(address));
    if (refused) {
      return callback(new WebhookAddressRefused(), []);
    }
    const wantsAll = (options as { all?: boolean }).all === true;
    const first = addresses[0] as LookupAddress;
    return wantsAll ? callback(null, addresses) : callback(null, first.address, first.family);
  });
}
