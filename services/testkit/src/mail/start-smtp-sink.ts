import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface SinkMessage {
  from: string;
  /** Every recipient of the envelope. */
  to: string[];
  subject: string;
  text: string;
  html: string;
  /** The http(s) links of the plain-text body, in order. */
  links: URL[];
  /** The first link that carries a one-time token in its `token` query parameter. */
  tokenLink?: URL;
  /** That link's token. */
  token?: string;
  /** Where the raw message was kept, when the sink has a `dir`. */
  file?: string;
  /** Beside it, the headers that matter and the plain-text body, decoded: what a developer reads. */
  textFile?: string;
}

export interface SmtpSink {
  /** `smtp://127.0.0.1:<port>`: what SMTP_URL should say. */
  url: string;
  messages(): SinkMessage[];
  /**
   * Resolves with the `nth` message (from 1, received or to come) that `match` accepts. Mail leaves
   * after the HTTP answer, so a test waits for the message it caused, not the last one received.
   */
  waitForMessage(
    match: (message: SinkMessage) => boolean,
    options?: { nth?: number; timeoutMs?: number },
  ): Promise<SinkMessage>;
  stop(): Promise<void>;
}

export interface StartSmtpSinkOptions {
  /** Keep each message there as `<time>-<id>.eml`, and decoded as `<time>-<id>.txt`. */
  dir?: string;
  /** Told each message as it arrives (the local runners log where it was kept). */
  onMessage?: (message: SinkMessage) => void;
  /** Holds each message this long before accepting it: a slow mail provider. @default 0 */
  acceptDelayMs?: number;
}

/**
 * A real SMTP server on loopback that accepts everything and keeps it: the local stand-in for a
 * mail provider, for `npm start`, `npm run stack` and tests. No authentication, no TLS, loopback only.
 */
export async function startSmtpSink({
  dir,
  onMessage,
  acceptDelayMs = 0,
}: StartSmtpSinkOptions = {}): Promise<SmtpSink> {
  const received: SinkMessage[] = [];
  const waiting = new Set<{
    match: (message: SinkMessage) => boolean;
    remaining: number;
    resolve: (message: SinkMessage) => void;
  }>();
  if (dir) mkdirSync(dir, { recursive: true });

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    banner: 'authscale local mail sink',
    logger: false,
    async onData(stream, session, callback) {
      try {
        const chunks: Buffer[] = [];
        for await (const chunk of stream) chunks.push(chunk as Buffer);
        const raw = Buffer.concat(chunks);
        if (acceptDelayMs > 0) await sleep(acceptDelayMs);
        const parsed = await simpleParser(raw);
        const text = parsed.text ?? '';
        const links = [...text.matchAll(/https?:\/\/\S+/g)].map(([href]) => new URL(href));
        const tokenLink = links.find((link) => link.searchParams.has('token'));
        const message: SinkMessage = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map(({ address }) => address),
          subject: parsed.subject ?? '',
          text,
          html: typeof parsed.html === 'string' ? parsed.html : '',
          links,
          tokenLink,
          token: tokenLink?.searchParams.get('token') ?? undefined,
        };
        if (dir) {
          const name = join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}`);
          message.file = `${name}.eml`;
          writeFileSync(message.file, raw, { mode: 0o600 });
          // The .eml body is quoted-printable, which breaks links across lines and escapes `=`.
          message.textFile = `${name}.txt`;
          const headers = `From: ${message.from}\nTo: ${message.to.join(', ')}\nSubject: ${message.subject}\n\n`;
          writeFileSync(message.textFile, `${headers}${text}\n`, { mode: 0o600 });
        }
        received.push(message);
        onMessage?.(message);
        for (const waiter of waiting) {
          if (waiter.match(message) && --waiter.remaining === 0) {
            waiting.delete(waiter);
            waiter.resolve(message);
          }
        }
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  server.on('error', () => {});
  const { port } = server.server.address() as AddressInfo;

  return {
    url: `smtp://127.0.0.1:${port}`,
    messages: () => [...received],
    waitForMessage(match, { nth = 1, timeoutMs = 5000 } = {}) {
      const already = received.filter(match);
      if (already.length >= nth) return Promise.resolve(already[nth - 1] as SinkMessage);
      return new Promise((resolve, reject) => {
        const waiter = {
          match,
          remaining: nth - already.length,
          resolve: (message: SinkMessage) => {
            clearTimeout(timer);
            resolve(message);
          },
        };
        const timer = setTimeout(() => {
          waiting.delete(waiter);
          reject(new Error(`smtp sink: no matching message within ${timeoutMs} ms`));
        }, timeoutMs);
        waiting.add(waiter);
      });
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
