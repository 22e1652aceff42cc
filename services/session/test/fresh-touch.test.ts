import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';
import { createSessionClient } from '@authscale/core';
import { buildSessionApp, loadSessionConfig } from '../src/index.ts';

// The edge asks a fresh touch for a bearer JWT whose user's epoch moved (another of their sessions
// was revoked). The replica once refused `?fresh=true` as a non-boolean query (400), which the
// client reads as "no such session": the user's other live sessions were refused for a moment.
const internalToken = randomBytes(32).toString('base64url');
let app: Awaited<ReturnType<typeof buildSessionApp>>;
let client: ReturnType<typeof createSessionClient>;

before(async () => {
  app = await buildSessionApp(loadSessionConfig({ LOG_LEVEL: 'silent', INTERNAL_API_TOKEN: internalToken }));
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  client = createSessionClient({ replicas: [url], internalToken, healthCheckIntervalMs: 0 });
});
after(async () => {
  await client.close();
  await app.close();
});

it('a fresh touch through the session client answers a live session, and null for a revoked one', async () => {
  const userId = randomUUID();
  const create = () => client.create({ userId, tenantId: randomUUID(), amr: ['pwd'], acr: 'aal1', ip: '198.51.100.1' });
  const [kept, revoked] = [await create(), await create()];
  await client.revoke(userId, revoked.session.sid);
  assert.equal((await client.touch(userId, kept.session.sid, { fresh: true }))?.sid, kept.session.sid);
  assert.equal(await client.touch(userId, revoked.session.sid, { fresh: true }), null);
});
