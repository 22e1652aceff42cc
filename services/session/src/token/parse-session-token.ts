import { sessionIdFor } from '@authscale/core';

/** User ids are shard keys and Redis hash tags: no braces, no dots, bounded length. */
const userIdPattern = /^[A-Za-z0-9_-]{1,64}$/;
const secretPattern = /^[A-Za-z0-9_-]{43}$/;

/** Splits a presented token; null for anything that is not well formed (no detail: no oracle). */
export function parseSessionToken(token: string): { userId: string; sid: string } | null {
  const dot = token.indexOf('.');
  if (dot < 1) return null;
  const userId = token.slice(0, dot);
  if (!userIdPattern.test(userId) || !secretPattern.test(token.slice(dot + 1))) return null;
  return { userId, sid: sessionIdFor(token) };
}
