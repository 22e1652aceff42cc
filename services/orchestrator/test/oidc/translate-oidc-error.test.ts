import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { freePort } from '@authscale/testkit';
import * as client from 'openid-client';
import { translateOidcError } from '../../src/oidc/translate-oidc-error.ts';

/** A loopback "provider" that does `onConnection` with every socket. */
async function listen(onConnection: (socket: Socket) => void) {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    issuer: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

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
  let silent: Awaited<ReturnType<typeof listen>>;
  let failing: Awaited<ReturnType<typeof listen>>;
  let garbled: Awaited<ReturnType<typeof listen>>;
  before(async () => {
    silent = await listen(() => {});
    failing = await listen((socket) =>
      socket.once('data', () => socket.end('HTTP/1.1 500 Internal Server Error\r\ncontent-length: 0\r\n\r\n')),
    );
    garbled = await listen((socket) => socket.once('data', () => socket.end('this is not HTTP\r\n\r\n')));
  });
  after(() => Promise.all([silent.close(), failing.close(), garbled.close()]));

  it('nobody listening: dependency_unavailable', async () => {
    assert.equal(await discoveryCode(`http://127.0.0.1:${await freePort()}`), 'dependency_unavailable');
  });

  it('no answer in time: dependency_timeout, not a bad credential', async () => {
    assert.equal(await discoveryCode(silent.issuer), 'dependency_timeout');
  });

  it('an error status: dependency_unavailable', async () => {
    assert.equal(await discoveryCode(failing.issuer), 'dependency_unavailable');
  });

  it('an answer that is not HTTP: dependency_failed', async () => {
    assert.equal(await discoveryCode(garbled.issuer), 'dependency_failed');
  });
});
