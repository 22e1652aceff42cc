import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { freePort, type RawServer, startRawServer } from '@authscale/testkit';
import * as client from 'openid-client';
import { translateOidcError } from '../../src/oidc/translate-oidc-error.ts';

/** The code a discovery against `issuer` fails with. */
async function discoveryCode(issuer: string) {
  try {
    await client.discovery(new URL(issuer), 'client', 'secret', undefined, {
      execute: [client.allowInsecureRequests],
      timeout: 0.2,
    });
  } catch (error) {
    return translateOidcError(error).code;
  }
  assert.fail('expected the discovery to fail');
}

describe('translateOidcError for a provider that cannot answer', () => {
  let silent: RawServer;
  let failing: RawServer;
  let garbled: RawServer;
  before(async () => {
    silent = await startRawServer(() => {});
    failing = await startRawServer((socket) =>
      socket.once('data', () => socket.end('HTTP/1.1 500 Internal Server Error\r\ncontent-length: 0\r\n\r\n')),
    );
    garbled = await startRawServer((socket) => socket.once('data', () => socket.end('this is not HTTP\r\n\r\n')));
  });
  after(() => Promise.all([silent.close(), failing.close(), garbled.close()]));

  it('nobody listening: dependency_unavailable', async () => {
    assert.equal(await discoveryCode(`http://127.0.0.1:${await freePort()}`), 'dependency_unavailable');
  });

  it('no answer in time: dependency_timeout, not a bad credential', async () => {
    assert.equal(await discoveryCode(silent.url), 'dependency_timeout');
  });

  it('an error status: dependency_unavailable', async () => {
    assert.equal(await discoveryCode(failing.url), 'dependency_unavailable');
  });

  it('an answer that is not HTTP: dependency_failed', async () => {
    assert.equal(await discoveryCode(garbled.url), 'dependency_failed');
  });
});
