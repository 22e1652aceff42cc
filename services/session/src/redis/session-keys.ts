/**
 * One key per user, a hash from sid to packed record (`session-value.ts`):
 *
 *   <prefix>:{<userId>}   PEXPIREAT at the latest expiry of its sessions
 *
 * A per-session key plus a per-user index cost two keys per session, and a key is the largest
 * part of a small session (object, dict and expire entries, its name). The hash tag keeps a user
 * in one slot should a second per-user key ever be needed.
 */
export function userKey(prefix: string, userId: string): string {
  return `${prefix}:{${userId}}`;
}
