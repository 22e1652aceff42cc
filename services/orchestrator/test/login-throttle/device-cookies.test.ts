import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { insecureLocalHttpSessionCookie, secureSessionCookie } from '@authscale/core';
import { createDeviceCookies } from '../../src/login-throttle/device-cookies.ts';

const secret = 'a shared secret of at least thirty-two characters';
const pairOf = (setCookie: string) => setCookie.split(';')[0] as string;

describe('device cookies', () => {
  it('names the device only for the account it was issued for, and only with its own key', () => {
    const devices = createDeviceCookies({ secret, session: secureSessionCookie() });
    const cookie = pairOf(devices.issue('account-a'));
    assert.match(cookie, /^__Host-authscale_device=[\w-]{22}\.[\w-]{43}$/);
    const device = devices.deviceIn(`other=1; ${cookie}`, 'account-a');
    assert.equal(device, cookie.slice('__Host-authscale_device='.length).split('.')[0]);
    assert.equal(devices.deviceIn(cookie, 'account-b'), undefined);
    const rekeyed = createDeviceCookies({ secret: `${secret}!`, session: secureSessionCookie() });
    assert.equal(rekeyed.deviceIn(cookie, 'account-a'), undefined);
    for (const malformed of [undefined, '', '__Host-authscale_device=', '__Host-authscale_device=a.b.c', 'x=y']) {
      assert.equal(devices.deviceIn(malformed, 'account-a'), undefined);
    }
  });

  it('drops the __Host- prefix and Secure where the session cookie does (local plain HTTP)', () => {
    const devices = createDeviceCookies({ secret, session: insecureLocalHttpSessionCookie() });
    const setCookie = devices.issue('account-a');
    assert.match(setCookie, /^authscale_device=[^;]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=31536000$/);
  });
});
