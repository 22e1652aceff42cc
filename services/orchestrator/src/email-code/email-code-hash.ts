import { createHash } from 'node:crypto';

/**
 * What is stored of a mailed code or link token: its SHA-256, bound to the account so equal
 * codes of two accounts do not look alike in the table.
 */
export function emailCodeHash({ account, secret }: { account: string; secret: string }): string {
  return createHash('sha256').update(`${account}:${secret}`).digest('base64url');
}
