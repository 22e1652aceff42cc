import { timingSafeEqual } from 'node:crypto';

/** Whether a stored hash (read from a flow's payload, so of no known type) is `computed`, in constant time. */
export function matchesEmailCodeHash(stored: unknown, computed: string): boolean {
  return (
    typeof stored === 'string' &&
    stored.length === computed.length &&
    timingSafeEqual(Buffer.from(stored), Buffer.from(computed))
  );
}
