import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { insecureLocalHttpSessionCookie, secureSessionCookie } from '@authscale/core';
import { createDeviceCookies } from '../../src/login-throttle/device-cookies.ts';

const secret = { current: 'a shared secret of at least thirty-two characters' };
const pairOf = (setCookie: string) => setCookie.split(';')[0] as string;

describe('device cookies', () => {
  it('names the device only for the account it was issued for, and only with its own key', () => {
    const devices = createDeviceCookies({ secret, session: secureSessionCookie() });
    const cookie = pairOf(devices.issue('account-a'));
    assert.match(cookie, /^__Host-authscale_device=[\w-]{22}\.[\w-]{43}$/);
    const device = devices.deviceIn(`other=1; ${cookie}`, 'account-a');
    assert.equal(device, cookie.slice('__Host-authscale_device='.length).split('.')[0]);
    assert.equal(devices.deviceIn(cookie, 'account-b'), undefined);
    const rekeyed = createDeviceCookies({ secret: { current: `${secret.current}!` }, session: secureSessionCookie() });
    assert.equal(rekeyed.deviceIn(cookie, 'account-a'), undefined);
    for (const malformed of [undefined, '', '__Host-authscale_device=', '__Host-authscale_device=a.b.c', 'x=y']) {
      assert.equal(devices.deviceIn(malformed, 'account-a'), undefined);
    }
  });

  it('recognises a device across a rotation and re-signs its cookie with the current key at the next sign-in', () => {
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((letter) => letter.repeat(43)) as [string, string, string, string];
    const session = secureSessionCookie();
    // A task that has not restarted since the rotation, one that has, and one two rotations later.
    const before = createDeviceCookies({ secret: { previous: a, current: b, next: c }, session });
    const after = createDeviceCookies({ secret: { previous: b, current: c, next: d }, session });
    const later = createDeviceCookies({ secret: { previous: c, current: d, next: 'e'.repeat(43) }, session });

    const made = pairOf(before.issue('account-a'));
    const device = before.deviceIn(made, 'account-a');
    assert.ok(device);
    assert.equal(after.deviceIn(made, 'account-a'), device, 'made with the previous key');
    assert.equal(
      before.deviceIn(pairOf(after.issue('account-a')), 'account-a') !== undefined,
      true,
      'with the next key',
    );
    assert.equal(before.earned(made, 'account-a'), undefined, 'a current cookie is left alone');

    const renewed = after.earned(made, 'account-a');
    assert.ok(renewed, 'a cookie made with another key is re-signed');
    assert.equal(after.deviceIn(pairOf(renewed), 'account-a'), device, 'as the same device');
    assert.equal(after.earned(pairOf(renewed), 'account-a'), undefined);
    assert.equal(later.deviceIn(pairOf(renewed), 'account-a'), device, 'so it outlives the next rotation');
    assert.equal(later.deviceIn(made, 'account-a'), undefined, 'a device that never came back is forgotten');

    const fresh = after.earned(undefined, 'account-a');
    assert.ok(fresh && after.deviceIn(pairOf(fresh), 'account-a'), 'no cookie earns a new device');
    assert.notEqual(after.deviceIn(pairOf(fresh as string), 'account-a'), device);
  });

  it('drops the __Host- prefix and Secure where the session cookie does (local plain HTTP)', () => {
    const devices = createDeviceCookies({ secret, session: insecureLocalHttpSessionCookie() });
    const setCookie = devices.issue('account-a');
    assert.match(setCookie, /^authscale_device=[^;]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=31536000$/);
  });
});
