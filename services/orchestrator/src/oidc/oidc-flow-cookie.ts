import type { SessionCookieSettings } from '@authscale/core';

/**
 * The cookie that carries an OIDC flow id from the start to the callback, in the session cookie's
 * mode: `__Host-` and Secure (only this origin ever sees the flow id), or, where the session
 * cookie drops both for local plain HTTP, neither, since a browser refuses Secure cookies on
 * `http://localhost` and every local callback would fail. HttpOnly; `SameSite=Lax` because the
 * callback is a top-level navigation from the provider's site.
 */
export function oidcFlowCookie({ secure }: SessionCookieSettings) {
  const name = secure ? '__Host-authscale_oidc' : 'authscale_oidc';
  const attributes = `Path=/; ${secure ? 'Secure; ' : ''}HttpOnly; SameSite=Lax`;
  return Object.freeze({
    name,
    set: (flowId: string, ttlSeconds: number) => `${name}=${flowId}; ${attributes}; Max-Age=${ttlSeconds}`,
    cleared: `${name}=; ${attributes}; Max-Age=0`,
  });
}
