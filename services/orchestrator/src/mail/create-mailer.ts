import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyBaseLogger } from 'fastify';
import type { MailLocale } from './mail-catalogue.ts';
import { type MailTemplate, renderMail } from './render-mail.ts';

/** What a transport must do: nodemailer's transporters fit. */
export interface MailTransport {
  sendMail(message: { from: string; to: string; subject: string; text: string; html: string }): Promise<unknown>;
  close?(): void;
}

export interface OutgoingMail {
  to: string;
  template: MailTemplate;
  locale?: MailLocale;
}

export interface Mailer {
  /**
   * Queues the message and returns at once: a slow or failing mail server never holds an HTTP
   * answer. Failures are logged on `log` with the message kind, never the link or its token.
   */
  send(mail: OutgoingMail, log: FastifyBaseLogger): void;
  /** Resolves once every queued message was sent or given up. */
  idle(): Promise<void>;
  /** Waits for the queue (as `idle`) and closes the transport. */
  close(): Promise<void>;
}

export interface CreateMailerOptions {
  /** `null` logs each message's kind and recipient instead of sending it (loopback only). */
  transport: MailTransport | null;
  from: string;
  /** @default 3 */
  attempts?: number;
  /** The first pause between attempts, doubled after each. @default 1000 */
  retryDelayMs?: number;
  /** Messages waiting beyond this are dropped (and logged) rather than held in memory. @default 1000 */
  maxQueued?: number;
  /** Messages sent at the same time. @default 2 */
  concurrency?: number;
}

interface QueuedMail {
  mail: OutgoingMail;
  log: FastifyBaseLogger;
}

/** An in-process queue in front of one transport, with bounded retries. */
export function createMailer({
  transport,
  from,
  attempts = 3,
  retryDelayMs = 1000,
  maxQueued = 1000,
  concurrency = 2,
}: CreateMailerOptions): Mailer {
  if (!Number.isInteger(attempts) || attempts < 1) throw new TypeError('createMailer: attempts must be at least 1');
  const queue: QueuedMail[] = [];
  let running = 0;
  let waiters: (() => void)[] = [];

  async function deliver({ mail, log }: QueuedMail): Promise<void> {
    const context = { mail: mail.template.kind };
    if (!transport) {
      log.info(context, 'mail: no transport configured (loopback), message not sent');
      return;
    }
    const message = { from, to: mail.to, ...renderMail({ template: mail.template, locale: mail.locale ?? 'en' }) };
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      try {
        await transport.sendMail(message);
        return;
      } catch (error) {
        // Only the code: a transport's message may quote the rejected content, link and token included.
        const code = (error as { code?: unknown } | null)?.code;
        if (attempt === attempts) {
          log.error({ ...context, attempts, code }, 'mail: message given up');
          return;
        }
        log.warn({ ...context, attempt, code }, 'mail: send failed, retrying');
        await sleep(retryDelayMs * 2 ** (attempt - 1), undefined, { ref: false });
      }
    }
  }

  function pump(): void {
    while (running < concurrency && queue.length > 0) {
      const next = queue.shift() as QueuedMail;
      running += 1;
      void deliver(next).finally(() => {
        running -= 1;
        pump();
      });
    }
    if (running === 0 && queue.length === 0) {
      const done = waiters;
      waiters = [];
      for (const resolve of done) resolve();
    }
  }

  const idle = () =>
    running === 0 && queue.length === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve));

  return Object.freeze({
    send(mail: OutgoingMail, log: FastifyBaseLogger) {
      if (queue.length >= maxQueued) {
        log.error({ mail: mail.template.kind }, 'mail: queue full, message dropped');
        return;
      }
      queue.push({ mail, log });
      pump();
    },
    idle,
    async close() {
      await idle();
      transport?.close?.();
    },
  });
}
