import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type SinkMessage, type SmtpSink, startSmtpSink } from '@authscale/testkit';
import { type EdgeClient, edgeClient } from './edge-client.ts';
import { startStack } from './start-stack.ts';

/**
 * Email verification and password reset through the whole topology: requests go to the edge, the
 * orchestrator process mails through a real SMTP server, and the links in the received mail are
 * followed back through the edge.
 */
describe('mailed links through the edge', () => {
  let stack: Awaited<ReturnType<typeof startStack>>;
  let sink: SmtpSink;
  let client: EdgeClient;
  before(async () => {
    sink = await startSmtpSink();
    stack = await startStack({ orchestratorEnv: async () => ({ SMTP_URL: sink.url }) });
    client = edgeClient(stack.publicOrigin);
  });
  after(async () => {
    await stack.stop();
    await sink.stop();
  });

  const tokenFrom = async (email: string, subject: string) => {
    const message: SinkMessage = await sink.waitForMessage(
      ({ to, subject: received }) => to.includes(email) && received === subject,
    );
    assert.equal(message.tokenLink?.origin, stack.publicOrigin);
    return message.token as string;
  };

  it('verifies the address from the sign-up mail, and resets the password from a reset mail', async () => {
    const alice = await client.account('mail');
    const verify = await client.request('POST', '/auth/email/verify', {
      body: { token: await tokenFrom(alice.email, 'Confirm your email address') },
    });
    assert.equal(verify.status, 204);

    const requested = await client.request('POST', '/auth/password/reset/request', { body: { email: alice.email } });
    assert.equal(requested.status, 202);
    const token = await tokenFrom(alice.email, 'Reset your password');
    const password = 'a new passphrase from the link';
    assert.equal((await client.request('POST', '/auth/password/reset', { body: { token, password } })).status, 204);

    assert.equal((await client.request('GET', '/me', { cookie: alice.cookie })).status, 401, 'the session ended');
    const login = await client.request('POST', '/auth/login', { body: { email: alice.email, password } });
    assert.equal(login.status, 200);
    assert.equal((await client.request('POST', '/auth/password/reset', { body: { token, password } })).status, 404);
  });

  it('answers a reset request for an unknown address as for a known one', async () => {
    const bob = await client.account('mail');
    const known = await client.request('POST', '/auth/password/reset/request', { body: { email: bob.email } });
    const unknown = await client.request('POST', '/auth/password/reset/request', {
      body: { email: `nobody-${bob.userId}@example.test` },
    });
    assert.equal(unknown.status, known.status);
    assert.equal(unknown.text, known.text);
    assert.equal(unknown.headers.get('content-type'), known.headers.get('content-type'));
  });
});
