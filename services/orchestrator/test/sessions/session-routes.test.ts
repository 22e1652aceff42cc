import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { asPrincipal, type Harness, startOrchestrator } from '../fixtures/orchestrator-harness.ts';

describe('GET and DELETE /auth/sessions', () => {
  let harness: Harness;
  before(async () => {
    harness = await startOrchestrator();
  });
  after(() => harness.stop());

  const now = () => Math.floor(Date.now() / 1000);

  async function userWithTwoSessions() {
    const email = `sessions-${randomBytes(4).toString('hex')}@example.test`;
    const password = `a long passphrase ${randomBytes(4).toString('hex')}`;
    const signup = await harness.app.inject({ method: 'POST', url: '/auth/signup', payload: { email, password } });
    const { userId } = signup.json() as { userId: string };
    const login = async () =>
      (await harness.app.inject({ method: 'POST', url: '/auth/login', payload: { email, password } })).json() as {
        sessionId: string;
        refreshToken: string;
      };
    return { userId, first: await login(), second: await login() };
  }

  it('lists the caller’s sessions, marks the current one, and revokes one with its refresh family', async () => {
    const { userId, first, second } = await userWithTwoSessions();
    const headers = await asPrincipal({ userId, sessionId: first.sessionId, authTime: now() });
    const listed = await harness.app.inject({ method: 'GET', url: '/auth/sessions', headers });
    assert.equal(listed.statusCode, 200);
    const { sessions } = listed.json() as { sessions: { id: string; current: boolean; amr: string[] }[] };
    assert.deepEqual(sessions.map(({ id }) => id).sort(), [first.sessionId, second.sessionId].sort());
    assert.deepEqual(
      sessions.filter(({ current }) => current).map(({ id }) => id),
      [first.sessionId],
    );
    assert.deepEqual(sessions[0]?.amr, ['pwd']);

    const revoked = await harness.app.inject({ method: 'DELETE', url: `/auth/sessions/${second.sessionId}`, headers });
    assert.equal(revoked.statusCode, 204);
    const after = (await harness.app.inject({ method: 'GET', url: '/auth/sessions', headers })).json();
    assert.deepEqual(
      after.sessions.map(({ id }: { id: string }) => id),
      [first.sessionId],
    );
    const refresh = await harness.app.inject({
      method: 'POST',
      url: '/auth/token/refresh',
      payload: { refreshToken: second.refreshToken },
    });
    assert.equal(refresh.statusCode, 401);
  });

  it('revoking all needs a recent sign-in, then ends every session', async () => {
    const { userId, first } = await userWithTwoSessions();
    const stale = await asPrincipal({ userId, sessionId: first.sessionId, authTime: now() - 3600 });
    const refused = await harness.app.inject({ method: 'DELETE', url: '/auth/sessions', headers: stale });
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.json().error.code, 'step_up_required');

    const fresh = await asPrincipal({ userId, sessionId: first.sessionId, authTime: now() });
    const all = await harness.app.inject({ method: 'DELETE', url: '/auth/sessions', headers: fresh });
    assert.equal(all.statusCode, 200);
    assert.equal(all.json().revoked, 2);
    assert.match(String(all.headers['set-cookie']), /Max-Age=0/);
    const listed = await harness.app.inject({ method: 'GET', url: '/auth/sessions', headers: fresh });
    assert.deepEqual(listed.json().sessions, []);
  });

  it('another user’s session id is not found, and its refresh family lives on', async () => {
    const victim = await userWithTwoSessions();
    const attacker = await userWithTwoSessions();
    const headers = await asPrincipal({
      userId: attacker.userId,
      sessionId: attacker.first.sessionId,
      authTime: now(),
    });
    const refused = await harness.app.inject({
      method: 'DELETE',
      url: `/auth/sessions/${victim.first.sessionId}`,
      headers,
    });
    assert.equal(refused.statusCode, 404);
    const refresh = await harness.app.inject({
      method: 'POST',
      url: '/auth/token/refresh',
      payload: { refreshToken: victim.first.refreshToken },
    });
    assert.equal(refresh.statusCode, 200);
    const victimHeaders = await asPrincipal({
      userId: victim.userId,
      sessionId: victim.first.sessionId,
      authTime: now(),
    });
    const listed = (await harness.app.inject({ method: 'GET', url: '/auth/sessions', headers: victimHeaders })).json();
    assert.equal(listed.sessions.length, 2);
  });

  it('step-up gap: revoking another of my sessions needs a recent sign-in; ending my own does not', async () => {
    const { userId, first, second } = await userWithTwoSessions();
    const stale = await asPrincipal({ userId, sessionId: first.sessionId, authTime: now() - 3600 });
    const other = await harness.app.inject({
      method: 'DELETE',
      url: `/auth/sessions/${second.sessionId}`,
      headers: stale,
    });
    assert.equal(other.statusCode, 403);
    assert.equal(other.json().error.code, 'step_up_required');
    assert.ok(await harness.sessions.get(userId, second.sessionId), 'the other session lives on');
    const own = await harness.app.inject({
      method: 'DELETE',
      url: `/auth/sessions/${first.sessionId}`,
      headers: stale,
    });
    assert.equal(own.statusCode, 204);
  });
});
