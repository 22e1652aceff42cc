/**
 * The session cookie the edge reads. `__Host-` pins it to this origin, path `/` and Secure;
 * HttpOnly keeps it from scripts; SameSite=Lax plus the edge's origin check covers CSRF.
 */
export const sessionCookieName = '__Host-authscale_session';

export function sessionCookie({
  token,
  expiresAt,
  now = Date.now(),
}: {
  token: string;
  expiresAt: number;
  now?: number;
}) {
  const maxAge = Math.max(0, Math.floor((expiresAt - now) / 1000));
  return `${sessionCookieName}=${token}; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=${maxAge}`;
}

export function clearedSessionCookie() {
  return `${sessionCookieName}=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0`;
}
