import { parseCookie } from 'cookie';

/**
 * The session cookie. `__Host-` makes the browser refuse it unless it is Secure, has Path=/ and no
 * Domain, so no subdomain or plain-HTTP page can plant or read it.
 */
export const sessionCookieName = '__Host-authscale_session';

/**
 * The cookie name for local development over plain HTTP, where browsers drop `__Host-` and Secure
 * cookies. Only `insecureLocalHttpSessionCookie()` selects it; never use it behind a public origin.
 */
export const insecureLocalHttpSessionCookieName = 'authscale_session';

export interface SessionCookieSettings {
  name: string;
  secure: boolean;
  httpOnly: true;
  sameSite: 'lax';
  path: '/';
}

/** The production cookie settings: `__Host-` prefix, Secure, HttpOnly, SameSite=Lax, Path=/. */
export function secureSessionCookie(): SessionCookieSettings {
  return { name: sessionCookieName, secure: true, httpOnly: true, sameSite: 'lax', path: '/' };
}

/**
 * WARNING: for a laptop on `http://localhost` only. The cookie loses its `__Host-` prefix and the
 * Secure flag, so any plain-HTTP hop can read it.
 */
export function insecureLocalHttpSessionCookie(): SessionCookieSettings {
  return { name: insecureLocalHttpSessionCookieName, secure: false, httpOnly: true, sameSite: 'lax', path: '/' };
}

/**
 * The value of cookie `name` in a request's `Cookie` header (the session token, where the edge
 * reads it), or undefined. Read here, not through @fastify/cookie: that plugin parses every cookie
 * into a new object and adds a Map and an onSend hook to every request, on the edge's hottest path,
 * for the one cookie the edge reads.
 */
export function cookieValue(cookieHeader: string | undefined, name: string): string | undefined {
  return cookieHeader ? parseCookie(cookieHeader)[name] : undefined;
}
