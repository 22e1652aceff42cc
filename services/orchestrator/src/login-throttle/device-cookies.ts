import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { cookieValue, type SessionCookieSettings } from '@authscale/core';

const maxAgeSeconds = 365 * 24 * 3600;

/**
 * Device cookies, as OWASP's "Slow Down Online Guessing Attacks with Device Cookies" describes: a
 * browser that signed in to an account with its password gets a cookie bound to that account, and
 * its later attempts are throttled on their own, so guesses from elsewhere cannot lock it out.
 * The cookie is `<nonce>.<HMAC(account, nonce)>`: it names no account and proves nothing but
 * "this browser knew this account's password once". The key is derived from `secret` (HKDF), so
 * changing that secret forgets every device, which costs them only their exemption.
 */
export function createDeviceCookies({ secret, session }: { secret: string; session: SessionCookieSettings }) {
  const key = Buffer.from(hkdfSync('sha256', secret, 'authscale', 'device-cookie-v1', 32));
  // Beside the session cookie, with the same prefix rule: `__Host-` and Secure unless local HTTP.
  const name = session.secure ? '__Host-authscale_device' : 'authscale_device';
  const mac = (account: string, nonce: string) =>
    createHmac('sha256', key).update(`${account}.${nonce}`).digest('base64url');

  return Object.freeze({
    name,
    /** A `Set-Cookie` value naming a new device for `account` (a stable hash, never the address). */
    issue(account: string): string {
      const nonce = randomBytes(16).toString('base64url');
      const secure = session.secure ? 'Secure; ' : '';
      return `${name}=${nonce}.${mac(account, nonce)}; Path=/; ${secure}HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}`;
    },
    /** The device id in `cookieHeader` when its cookie was issued for `account`; otherwise undefined. */
    deviceIn(cookieHeader: string | undefined, account: string): string | undefined {
      const value = cookieValue(cookieHeader, name);
      const [nonce, presented, ...rest] = value?.split('.') ?? [];
      if (!nonce || !presented || rest.length > 0) return undefined;
      const expected = Buffer.from(mac(account, nonce));
      const given = Buffer.from(presented);
      return given.length === expected.length && timingSafeEqual(given, expected) ? nonce : undefined;
    },
  });
}

export type DeviceCookies = ReturnType<typeof createDeviceCookies>;
