import { createHmac, createSecretKey, hkdfSync, type KeyObject, randomBytes, timingSafeEqual } from 'node:crypto';
import { acceptedValues, cookieValue, type RotatingSecret, type SessionCookieSettings } from '@authscale/core';

const maxAgeSeconds = 365 * 24 * 3600;

/**
 * Device cookies, as OWASP's "Slow Down Online Guessing Attacks with Device Cookies" describes: a
 * browser that signed in to an account with its password gets a cookie bound to that account, and
 * its later attempts are throttled on their own, so guesses from elsewhere cannot lock it out.
 * The cookie is `<nonce>.<HMAC(account, nonce)>`: it names no account and proves nothing but
 * "this browser knew this account's password once". The key is derived from `secret` (HKDF).
 * New cookies are made with its current value; cookies made with its previous or next value are
 * still recognised, and the next correct password re-signs them with the current one, so a
 * rotation forgets only the devices that did not sign in for a whole rotation period, which costs
 * them only their exemption.
 */
export function createDeviceCookies({ secret, session }: { secret: RotatingSecret; session: SessionCookieSettings }) {
  const keys = acceptedValues(secret).map((value) =>
    createSecretKey(Buffer.from(hkdfSync('sha256', value, 'authscale', 'device-cookie-v1', 32))),
  );
  const currentKey = keys[0] as KeyObject;
  // Beside the session cookie, with the same prefix rule: `__Host-` and Secure unless local HTTP.
  const name = session.secure ? '__Host-authscale_device' : 'authscale_device';
  const mac = (key: KeyObject, account: string, nonce: string) =>
    createHmac('sha256', key).update(`${account}.${nonce}`).digest('base64url');
  const setCookie = (account: string, nonce: string) => {
    const secure = session.secure ? 'Secure; ' : '';
    return `${name}=${nonce}.${mac(currentKey, account, nonce)}; Path=/; ${secure}HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}`;
  };
  /** The cookie's nonce, and whether it was made with the current key, when it was issued for `account`. */
  const read = (cookieHeader: string | undefined, account: string) => {
    const value = cookieValue(cookieHeader, name);
    const [nonce, presented, ...rest] = value?.split('.') ?? [];
    if (!nonce || !presented || rest.length > 0) return undefined;
    const given = Buffer.from(presented);
    // Every key is tried, so the time taken does not say which one made the cookie.
    const matches = keys.map((key) => {
      const expected = Buffer.from(mac(key, account, nonce));
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
    return matches.includes(true) ? { nonce, current: matches[0] === true } : undefined;
  };

  /** A `Set-Cookie` value naming a new device for `account` (a stable hash, never the address). */
  const issue = (account: string) => setCookie(account, randomBytes(16).toString('base64url'));

  return Object.freeze({
    name,
    issue,
    /** The device id in `cookieHeader` when its cookie was issued for `account`; otherwise undefined. */
    deviceIn(cookieHeader: string | undefined, account: string): string | undefined {
      return read(cookieHeader, account)?.nonce;
    },
    /**
     * The `Set-Cookie` a correct password earns: a new device when the request carried none for
     * `account`, the same device re-signed with the current key when its cookie was made with a
     * previous or next one, and nothing when it is current.
     */
    earned(cookieHeader: string | undefined, account: string): string | undefined {
      const device = read(cookieHeader, account);
      if (!device) return issue(account);
      return device.current ? undefined : setCookie(account, device.nonce);
    },
  });
}

export type DeviceCookies = ReturnType<typeof createDeviceCookies>;
