import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { freePort } from '@authscale/testkit';
import { createJwksCache, isAuthError, verifyAccessToken } from '../../src/index.ts';
import { audience, issuer, signingKey } from './signing-key.ts';

/** The issuer's key set over HTTP, answering with `answer` (status and body) on each fetch. */
function keySetServer(answer: () => { status: number; body: string }) {
  const server: Server = createServer((_request, response) => {
    const { status, body } = answer();
    response.writeHead(status, { 'content-type': 'application/json' }).end(body);
  });
  return new Promise<{ url: string; close: () => Promise<void> }>((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

describe('createJwksCache', () => {
  let token: string;
  let keySet: string;
  before(async () => {
    const key = await signingKey();
    keySet = JSON.stringify({ keys: [key.publicJwk] });
    token = await key.sign();
  });
  const servers: Array<{ close: () => Promise<void> }> = [];
  after(() => Promise.all(servers.map((server) => server.close())));

  const codeOf = async (url: string) => {
    try {
      await verifyAccessToken({ token, keys: createJwksCache({ url, timeoutMs: 500 }), issuer, audience });
      return 'verified';
    } catch (error) {
      return isAuthError(error) ? error.code : `unexpected ${String(error)}`;
    }
  };

  it('verifies against the fetched key set', async () => {
    const server = await keySetServer(() => ({ status: 200, body: keySet }));
    servers.push(server);
    assert.equal(await codeOf(server.url), 'verified');
  });

  it('answers dependency_unavailable, not unauthenticated, when the key set cannot be had', async () => {
    assert.equal(await codeOf(`http://127.0.0.1:${await freePort()}/.well-known/jwks.json`), 'dependency_unavailable');
    const failing = await keySetServer(() => ({ status: 500, body: '{}' }));
    const garbled = await keySetServer(() => ({ status: 200, body: '{"keys": "no"}' }));
    servers.push(failing, garbled);
    assert.equal(await codeOf(failing.url), 'dependency_unavailable');
    assert.equal(await codeOf(garbled.url), 'dependency_unavailable');
  });

  it('still refuses a token whose key the set does not have', async () => {
    const other = await keySetServer(() => ({ status: 200, body: keySet.replace('"k1"', '"k2"') }));
    servers.push(other);
    assert.equal(await codeOf(other.url), 'unauthenticated');
  });
});
