import type { SessionCookieSettings } from '@authscale/core';

/**
 * The session cookie the edge reads, in the settings the edge reads it with (core's
 * `secureSessionCookie()` in production: `__Host-` prefix, Secure, HttpOnly, SameSite=Lax).
 */
export function sessionCookie({
  token,
  expiresAt,
  settings,
  now = Date.now(),
}: {
  token: string;
  expiresAt: number;
  settings: SessionCookieSettings;
  now?: number;
}) {
  const maxAge = Math.max(0, Math.floor((expiresAt - now) / 1000));
  return `${settings.name}=${token}; ${attributes(settings)}; Max-Age=${maxAge}`;
}

export function clearedSessionCookie(settings: SessionCookieSettings) {
  return `${settings.name}=; ${attributes(settings)}; Max-Age=0`;
}

function attributes({ path, secure }: SessionCookieSettings) {
  return `Path=${path}; ${secure ? 'Secure; ' : ''}HttpOnly; SameSite=Lax`;
}
