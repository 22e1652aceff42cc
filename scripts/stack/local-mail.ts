import { join } from 'node:path';
import { startSmtpSink } from '@authscale/testkit';

export const localMailDir = join('.authscale', 'mail');

/**
 * The local runners' mail: with SMTP_URL set, the orchestrator sends through it and nothing starts
 * here. Otherwise a loopback SMTP sink keeps each message in `.authscale/mail/`, as sent (.eml)
 * and as plain text (.txt), and logs a line naming them, so the verification and reset links can be followed on a laptop.
 */
export async function startLocalMail(env: Record<string, string | undefined>) {
  if (env.SMTP_URL) return { smtpUrl: undefined, stop: async () => {} };
  const sink = await startSmtpSink({
    dir: localMailDir,
    onMessage: ({ to, subject, textFile, file }) =>
      console.log(`mail to ${to.join(', ')}: "${subject}" kept in ${textFile} (as sent: ${file})`),
  });
  return { smtpUrl: sink.url, stop: () => sink.stop() };
}
