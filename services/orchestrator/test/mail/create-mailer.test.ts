import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type SmtpSink, startSmtpSink } from '@authscale/testkit';
import Fastify from 'fastify';
import { createMailer } from '../../src/mail/create-mailer.ts';
import { mailLink } from '../../src/mail/mail-link.ts';
import { mailTransportFromConfig } from '../../src/mail/mail-transport-from-config.ts';
import { type MailTemplate, renderMail } from '../../src/mail/render-mail.ts';

const token = 'tok_secret-value_0123456789';
const link = mailLink({ publicOrigin: 'http://127.0.0.1:8080', path: '/reset-password', token });

function capturingLogger() {
  const lines: string[] = [];
  const { log } = Fastify({ logger: { level: 'info', stream: { write: (line: string) => void lines.push(line) } } });
  return { log, lines };
}

describe('renderMail', () => {
  it('puts the link with its token in the text and the HTML, and escapes every value', () => {
    const mail = renderMail({
      template: { kind: 'reset_password', email: 'a<b>@example.com', link, lifetimeSeconds: 1800 },
    });
    assert.equal(mail.subject, 'Reset your password');
    assert.equal(new URL(link).searchParams.get('token'), token);
    assert.ok(mail.text.includes(link));
    assert.match(mail.text, /expires in 30 minutes/);
    assert.ok(mail.html.includes(`href="${link}"`));
    assert.ok(mail.html.includes('a&lt;b&gt;@example.com'));
    assert.ok(!mail.html.includes('a<b>'));
  });
});

describe('renderMail, every message', () => {
  const templates: MailTemplate[] = [
    { kind: 'verify_email', email: 'ada@example.com', link, lifetimeSeconds: 86_400 },
    { kind: 'reset_password', email: 'ada@example.com', link, lifetimeSeconds: 1800 },
    { kind: 'confirm_email_change', email: 'ada@example.com', link, lifetimeSeconds: 3600 },
    {
      kind: 'invitation',
      email: 'ada@example.com',
      link,
      lifetimeSeconds: 7 * 86_400,
      tenantName: '<b>Acme</b> "R&D"',
      role: 'admin',
    },
    { kind: 'email_changed', email: 'ada@example.com', newEmail: 'ada@new.example' },
    ...(
      [
        'password_was_reset',
        'password_changed',
        'passkey_added',
        'passkey_removed',
        'totp_enabled',
        'totp_disabled',
      ] as const
    ).map((kind) => ({ kind, email: 'ada@example.com' })),
  ];

  it('fills every placeholder, in the text and the escaped HTML, and links only where a link belongs', () => {
    for (const template of templates) {
      const mail = renderMail({ template });
      for (const part of [mail.subject, mail.text, mail.html]) {
        assert.doesNotMatch(part, /\{\w+\}/, `${template.kind}: a placeholder left unfilled`);
      }
      assert.ok(mail.text.includes('ada@example.com'), template.kind);
      assert.equal(mail.text.includes(link), 'link' in template, `${template.kind}: the link`);
      assert.equal(mail.html.includes('<a href='), 'link' in template, `${template.kind}: the HTML link`);
    }
    const invitation = renderMail({ template: templates[3] as MailTemplate });
    assert.match(invitation.text, /"<b>Acme<\/b> "R&D"" as admin/);
    assert.match(invitation.text, /expires in 7 days/);
    assert.ok(invitation.html.includes('&quot;&lt;b&gt;Acme&lt;/b&gt; &quot;R&amp;D&quot;&quot; as admin'));
    assert.ok(!invitation.html.includes('<b>Acme'));
    assert.doesNotMatch(invitation.subject, /Acme/, 'a name the inviter chose stays out of the subject');
    assert.match(renderMail({ template: templates[4] as MailTemplate }).text, /now uses ada@new\.example/);
  });
});

describe('createMailer', () => {
  let sink: SmtpSink;
  before(async () => {
    sink = await startSmtpSink();
  });
  after(() => sink.stop());

  it('returns before the message is sent, and the SMTP server receives it', async () => {
    const mailer = createMailer({
      transport: mailTransportFromConfig({ SMTP_URL: sink.url }),
      from: 'no-reply@localhost',
    });
    const { log } = capturingLogger();
    mailer.send(
      {
        to: 'ada@example.com',
        template: { kind: 'verify_email', email: 'ada@example.com', link, lifetimeSeconds: 86_400 },
      },
      log,
    );
    assert.equal(sink.messages().length, 0, 'send does not wait for the server');
    await mailer.close();
    const [message] = sink.messages().filter(({ to }) => to.includes('ada@example.com'));
    assert.ok(message);
    assert.equal(message.subject, 'Confirm your email address');
    assert.equal(message.links[0]?.searchParams.get('token'), token);
  });

  it('retries a bounded number of times and logs the failure without the token', async () => {
    const down = await startSmtpSink();
    await down.stop();
    const mailer = createMailer({
      transport: mailTransportFromConfig({ SMTP_URL: down.url }),
      from: 'no-reply@localhost',
      attempts: 2,
      retryDelayMs: 5,
    });
    const { log, lines } = capturingLogger();
    mailer.send(
      {
        to: 'ada@example.com',
        template: { kind: 'reset_password', email: 'ada@example.com', link, lifetimeSeconds: 1800 },
      },
      log,
    );
    await mailer.close();
    const logged = lines.map((line) => JSON.parse(line) as { msg: string; attempt?: number; attempts?: number });
    assert.deepEqual(
      logged.map(({ msg }) => msg),
      ['mail: send failed, retrying', 'mail: message given up'],
    );
    assert.equal(logged[1]?.attempts, 2);
    assert.ok(!lines.join('\n').includes(token));
  });
});
