import type { FastifyBaseLogger } from 'fastify';
import type { Mailer } from '../mail/create-mailer.ts';
import type { NoticeKind } from '../mail/render-mail.ts';

export interface SecurityNotices {
  /**
   * Mails the user a notice of a change to how they sign in, at their current address. Only the
   * address lookup is awaited; the mail is queued, and an unknown or disabled user gets none.
   */
  notify(input: { userId: string; notice: NoticeKind; log: FastifyBaseLogger }): Promise<void>;
}

export interface CreateSecurityNoticesOptions {
  users: { get(input: { userId: string }): Promise<{ email: string } | null> };
  mail: Pick<Mailer, 'send'>;
}

/**
 * Notices of changes to a user's authentication details (ASVS 2.2.3, 2.5.5): whoever took over a
 * session, or knew the password, cannot change how the account signs in without its holder
 * hearing of it at the address they know.
 */
export function createSecurityNotices({ users, mail }: CreateSecurityNoticesOptions): SecurityNotices {
  return Object.freeze({
    async notify({ userId, notice, log }: { userId: string; notice: NoticeKind; log: FastifyBaseLogger }) {
      const user = await users.get({ userId });
      if (user) mail.send({ to: user.email, template: { kind: notice, email: user.email } }, log);
    },
  });
}
