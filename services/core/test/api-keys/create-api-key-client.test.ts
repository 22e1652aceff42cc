import assert from 'node:assert/strict';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { it } from 'node:test';
import { freePort } from '@authscale/testkit';
import { createApiKeyClient } from '../../src/api-keys/create-api-key-client.ts';

const internalToken = 'x'.repeat(32);
const key = `ask_${'A'.repeat(43)}`;

/** The key owner's stand-in, answering every verification with `answer`. */
async function keyOwner(answer: (response: ServerResponse) => void) {
  const held: ServerResponse[] = [];
  const server = createServer((_request, response) => {
    held.push(response);
    answer(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      for (const response of held) response.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function verifyAgainst(baseUrl: string) {
  const client = createApiKeyClient({ baseUrl, internalToken, timeoutMs: 200 });
  try {
    return await client.verify(key);
  } finally {
    await client.close();
  }
}

it('answers the key, or null for a key that is not live', async () => {
  const live = await keyOwner((response) =>
    response.writeHead(200).end(JSON.stringify({ keyId: 'k1', tenantId: 't1', scopes: ['projects:read'] })),
  );
  const revoked = await keyOwner((response) => response.writeHead(401).end('{}'));
  try {
    assert.deepEqual(await verifyAgainst(live.url), { keyId: 'k1', tenantId: 't1', scopes: ['projects:read'] });
    assert.equal(await verifyAgainst(revoked.url), null);
  } finally {
    await Promise.all([live.close(), revoked.close()]);
  }
});

it('classifies an owner that cannot be asked like every other dependency, never as a bad key', async () => {
  await assert.rejects(verifyAgainst(`http://127.0.0.1:${await freePort()}`), { code: 'dependency_unavailable' });
  const silent = await keyOwner(() => {});
  const garbled = await keyOwner((response) => response.writeHead(200).end('<html>'));
  const wrongShape = await keyOwner((response) => response.writeHead(200).end('{"keyId":1}'));
  try {
    await assert.rejects(verifyAgainst(silent.url), { code: 'dependency_timeout' });
    await assert.rejects(verifyAgainst(garbled.url), { code: 'dependency_failed' });
    await assert.rejects(verifyAgainst(wrongShape.url), { code: 'dependency_failed' });
  } finally {
    await Promise.all([silent.close(), garbled.close(), wrongShape.close()]);
  }
});
