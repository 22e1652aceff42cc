import { sessionEpochKey } from '@authscale/core';

/**
 * Every key of one user carries the hash tag `{u:<userId>}`, so a user's sessions and index live
 * in one Redis Cluster slot and one Lua script can change them atomically:
 *
 *   <prefix>:{u:<userId>}:s:<sid>   hash: the session record, expiring at its idle expiry
 *   <prefix>:{u:<userId>}:idx       sorted set: sid scored by absolute expiry, for list and revoke-all
 *   <prefix>:{u:<userId>}:e         counter: the user's invalidation epoch (`sessionEpochKey` in core)
 */
export function sessionKeys(prefix: string, userId: string) {
  const tag = `${prefix}:{u:${userId}}`;
  return {
    sessionPrefix: `${tag}:s:`,
    session: (sid: string) => `${tag}:s:${sid}`,
    index: `${tag}:idx`,
    epoch: sessionEpochKey(prefix, userId),
  };
}
