import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { generate } from 'otplib';
import { accountHelpers } from '../fixtures/account-helpers.ts';
import { type Harness, startOrchestrator } from '../fixtures/orchestrator-harness.ts';

/**
 * Every change to how an account signs in is mailed to its holder (ASVS 2.2.3, 2.5.5), read back
 * from a real SMTP server: whoever holds a session or the password cannot change the factors quietly.
 */
describe('security notices', () => {
  let harness: Harness;
  let helpers: ReturnType<typeof accountHelpers>;
  before(async () => {
    harness = await startOrchestrator();
    helpers = accountHelpers(harness);
  });
  after(() => harness.stop());

  const notice = async (email: string, subject: string) => {
    const message = await harness.mailSink.waitForMessage(
      ({ to, subject: received }) => to.includes(email) && received === subject,
    );
    assert.ok(message.text.includes(email), 'names the account');
    assert.match(message.text, /If this was not you/);
    assert.match(message.html, /<p>If this was not you/);
    assert.equal(message.links.length, 0, 'a notice carries no link to act on');
    return message;
  };

  it('a password change mails a notice', async () => {
    const { email, password, userId } = await helpers.signUp();
    const changed = await helpers.call('PUT', '/auth/password', await helpers.fresh(userId), {
      currentPassword: password,
      newPassword: 'a changed long passphrase',
    });
    assert.equal(changed.statusCode, 200);
    const message = await notice(email, 'Your password was changed');
    assert.match(message.text, /was just changed/);
  });

  it('adding and removing a passkey each mail a notice', async () => {
    const { email, userId } = await helpers.signUp();
    const authenticator = await helpers.registerPasskey(userId);
    await notice(email, 'A passkey was added to your account');
    const removed = await helpers.call(
      'DELETE',
      `/auth/passkeys/${authenticator.credentialId}`,
      await helpers.fresh(userId),
    );
    assert.equal(removed.statusCode, 204);
    await notice(email, 'A passkey was removed from your account');
  });

  it('turning TOTP on and off each mail a notice; a refused attempt mails none', async () => {
    const { email, userId } = await helpers.signUp();
    const headers = await helpers.fresh(userId);
    const { secret } = (await helpers.call('POST', '/auth/totp/enroll', headers)).json() as { secret: string };
    const wrong = await helpers.call('POST', '/auth/totp/activate', headers, { code: '000000' });
    assert.equal(wrong.statusCode, 401);
    const activated = await helpers.call('POST', '/auth/totp/activate', headers, { code: await generate({ secret }) });
    assert.equal(activated.statusCode, 200);
    await notice(email, 'Two-step sign-in was turned on');
    assert.equal((await helpers.call('DELETE', '/auth/totp', headers)).statusCode, 204);
    await notice(email, 'Two-step sign-in was turned off');
    await harness.mail.idle();
    const turnedOn = harness.mailSink
      .messages()
      .filter(({ to, subject }) => to.includes(email) && subject === 'Two-step sign-in was turned on');
    assert.equal(turnedOn.length, 1);
  });
});
