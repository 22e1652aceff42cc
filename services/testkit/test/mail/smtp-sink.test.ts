import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import nodemailer, { type Transporter } from 'nodemailer';
import { type SmtpSink, startSmtpSink } from '../../src/index.ts';

describe('startSmtpSink', () => {
  let sink: SmtpSink;
  let dir: string;
  let transport: Transporter;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'smtp-sink-'));
    sink = await startSmtpSink({ dir });
    transport = nodemailer.createTransport(sink.url);
  });
  after(async () => {
    transport.close();
    await sink.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const send = (to: string, text: string) =>
    transport.sendMail({ from: 'sender@example.test', to, subject: 'a subject', text, html: `<p>${text}</p>` });

  it('keeps each message, its links, and the token of the first link that carries one', async () => {
    await send('ada@example.test', 'see https://app.example.test/help and https://app.example.test/verify?token=t0k3n');
    const message = await sink.waitForMessage(({ to }) => to.includes('ada@example.test'));
    assert.equal(message.subject, 'a subject');
    assert.equal(message.from, 'sender@example.test');
    assert.deepEqual(message.links.map(String), [
      'https://app.example.test/help',
      'https://app.example.test/verify?token=t0k3n',
    ]);
    assert.equal(message.tokenLink?.pathname, '/verify');
    assert.equal(message.token, 't0k3n');
    assert.match(message.html, /<p>see/);
    assert.match(readFileSync(message.file as string, 'utf8'), /Subject: a subject/);
  });

  it('keeps a readable copy beside each message, its long links whole', async () => {
    const link = `https://app.example.test/reset-password?token=${'x'.repeat(43)}=`;
    await send('dan@example.test', `reset here: ${link}`);
    const message = await sink.waitForMessage(({ to }) => to.includes('dan@example.test'));
    assert.doesNotMatch(readFileSync(message.file as string, 'utf8'), new RegExp(link.replace(/[?]/g, '\\?')));
    const readable = readFileSync(message.textFile as string, 'utf8');
    assert.match(readable, /^From: sender@example\.test\nTo: dan@example\.test\nSubject: a subject\n\n/);
    assert.ok(readable.includes(link), readable);
  });

  it('resolves with the nth matching message, received or still to come', async () => {
    await send('bob@example.test', 'first https://app.example.test/x?token=one');
    const second = sink.waitForMessage(({ to }) => to.includes('bob@example.test'), { nth: 2 });
    await send('carol@example.test', 'not for bob');
    await send('bob@example.test', 'second https://app.example.test/x?token=two');
    assert.equal((await second).token, 'two');
    const first = await sink.waitForMessage(({ to }) => to.includes('bob@example.test'));
    assert.equal(first.token, 'one');
  });

  it('rejects when no matching message arrives in time', async () => {
    await assert.rejects(
      sink.waitForMessage(({ to }) => to.includes('nobody@example.test'), { timeoutMs: 50 }),
      /no matching message within 50 ms/,
    );
  });
});
