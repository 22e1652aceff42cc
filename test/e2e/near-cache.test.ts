import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { type SmtpSink, startSmtpSink } from '@authscale/testkit';
import { type EdgeClient, edgeClient } from './edge-client.ts';
import { startStack } from './start-stack.ts';

/**
 * The edge's near cache through the whole topology: a signed-in `GET /me` is answered by the edge
 * alone once it has seen the session, and every change that must show (a new email, a new role, a
 * removed membership, a logout) shows on the very next request. Mail goes to a real SMTP server.
 */
describe('the edge near cache', () => {
  let stack: Awaited<ReturnType<typeof startStack>>;
  let sink: SmtpSink;
  let request: EdgeClient['request'];
  let account: () => ReturnType<EdgeClient['account']>;
  before(async () => {
    sink = await startSmtpSink();
    stack = await startStack({ orchestratorEnv: async () => ({ SMTP_URL: sink.url }) });
    const client = edgeClient(stack.publicOrigin);
    request = client.request;
    account = () => client.account('near');
  });
  after(async () => {
    await stack.stop();
    await sink.stop();
  });

  /** The token of the link to `path` mailed to `email`. */
  const mailedToken = async (email: string, path: string) => {
    const message = await sink.waitForMessage(
      ({ to, links }) => to.includes(email) && links.some((url) => url.pathname === path),
    );
    return message.links.find((url) => url.pathname === path)?.searchParams.get('token') as string;
  };

  /** Runs `during` while the session replica and the orchestrator are frozen. */
  const withBackendsFrozen = async (during: () => Promise<void>) => {
    const frozen = [stack.pids.session, stack.pids.orchestrator];
    for (const pid of frozen) process.kill(pid, 'SIGSTOP');
    try {
      await during();
    } finally {
      for (const pid of frozen) process.kill(pid, 'SIGCONT');
    }
  };

  it('answers a seen session without the session replica or the orchestrator, and forgets it at logout', async () => {
    const alice = await account();
    const me = await request('GET', '/me', { cookie: alice.cookie });
    assert.equal(me.status, 200);
    assert.deepEqual(me.body, {
      user: { id: alice.userId, email: alice.email },
      tenant: { id: alice.tenantId, role: 'owner' },
    });
    // The edge has the signing keys once it has checked one bearer token.
    assert.equal((await request('GET', '/me', { bearer: alice.accessToken })).status, 200);

    await withBackendsFrozen(async () => {
      // What the load balancer checks stays green while readiness says the backends are gone, so
      // a backend outage leaves every edge serving what it can.
      assert.equal((await request('GET', '/healthz')).status, 200);
      assert.equal((await request('GET', '/readyz')).status, 503);
      assert.deepEqual((await request('GET', '/me', { cookie: alice.cookie })).body, me.body);
      // The bearer token names the same session, so its revocation check is answered here too.
      assert.deepEqual((await request('GET', '/me', { bearer: alice.accessToken })).body, me.body);
    });

    assert.equal((await request('POST', '/auth/logout', { cookie: alice.cookie })).status, 204);
    assert.equal((await request('GET', '/me', { cookie: alice.cookie })).status, 401);
    assert.equal((await request('GET', '/me', { bearer: alice.accessToken })).status, 401);
  });

  it('shows a changed email and a changed or removed membership on the next request', async () => {
    const alice = await account();
    const bob = await account();
    const inBobsTenant = { 'x-tenant-id': bob.tenantId };
    assert.equal((await request('GET', '/me', { cookie: alice.cookie })).body.user.email, alice.email);

    const newEmail = `renamed-${randomBytes(4).toString('hex')}@example.test`;
    assert.equal(
      (await request('PUT', '/auth/email', { cookie: alice.cookie, body: { email: newEmail } })).status,
      202,
    );
    assert.equal((await request('GET', '/me', { cookie: alice.cookie })).body.user.email, alice.email);
    const confirmed = await request('POST', '/auth/email/change', {
      body: { token: await mailedToken(newEmail, '/confirm-email-change') },
    });
    assert.equal(confirmed.status, 204);
    assert.equal((await request('GET', '/me', { cookie: alice.cookie })).body.user.email, newEmail);

    // The confirmed address is verified, so the invitation Bob sends there can be accepted.
    const invited = await request('POST', `/api/tenants/${bob.tenantId}/invitations`, {
      cookie: bob.cookie,
      body: { email: newEmail, role: 'member' },
    });
    assert.equal(invited.status, 202);
    const accepted = await request('POST', '/api/invitations/accept', {
      cookie: alice.cookie,
      body: { token: await mailedToken(newEmail, '/accept-invitation') },
    });
    assert.equal(accepted.status, 200);
    const members = `/api/tenants/${bob.tenantId}/members`;
    const asMember = await request('GET', '/me', { cookie: alice.cookie, headers: inBobsTenant });
    assert.deepEqual(asMember.body.tenant, { id: bob.tenantId, role: 'member' });

    const promoted = await request('PATCH', `${members}/${alice.userId}`, {
      cookie: bob.cookie,
      body: { role: 'admin' },
    });
    assert.equal(promoted.status, 200);
    const asAdmin = await request('GET', '/me', { cookie: alice.cookie, headers: inBobsTenant });
    assert.deepEqual(asAdmin.body.tenant, { id: bob.tenantId, role: 'admin' });

    assert.equal((await request('DELETE', `${members}/${alice.userId}`, { cookie: bob.cookie })).status, 204);
    assert.equal((await request('GET', '/me', { cookie: alice.cookie, headers: inBobsTenant })).status, 403);
  });
});
