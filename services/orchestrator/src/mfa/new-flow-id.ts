import { randomBytes } from 'node:crypto';

/** An opaque flow id: 256 bits from the CSPRNG, base64url. */
export function newFlowId(): string {
  return randomBytes(32).toString('base64url');
}
