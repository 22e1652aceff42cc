/**
 * One key per user, a hash from sid to packed record (`session-value.ts`):
 *
 *   <prefix>:{<userId>}     PEXPIREAT at the latest expiry of its sessions
 *   <prefix>:{<userId>}:e   counter: the user's invalidation epoch (`sessionEpochKey` in core),
 *                           read by edges' near caches; it shares the slot, so one WAIT covers both
 *
 * A per-session key plus a per-user index cost two keys per session, and a key is the largest
 * part of a small session (object, dict and expire entries, its name).
 */
export function userKey(prefix: string, userId: string): string {
  return `${prefix}:{${userId}}`;
}
