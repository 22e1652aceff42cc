import { createHash } from 'node:crypto';

function weight(replica: string, key: string): bigint {
  return createHash('sha256').update(replica).update('\0').update(key).digest().readBigUInt64BE(0);
}

/**
 * Rendezvous (highest random weight) hashing: every replica gets a pseudo-random weight for the
 * key and the highest wins, the next highest is the fallback. Adding or removing a replica moves
 * only the keys it wins or won; nothing else changes owner.
 */
export function rankReplicas(key: string, replicas: readonly string[]): string[] {
  return replicas
    .map((replica) => ({ replica, weight: weight(replica, key) }))
    .sort((a, b) => (a.weight === b.weight ? a.replica.localeCompare(b.replica) : a.weight > b.weight ? -1 : 1))
    .map(({ replica }) => replica);
}
