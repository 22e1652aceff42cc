import type { MembershipRole } from '@authscale/identity';
import { type MailLocale, type MailTextId, mailCatalogues } from './mail-catalogue.ts';

/** Mail that tells the user of a change to their account, with no link to act on. */
export type NoticeKind =
  | 'password_was_reset'
  | 'password_changed'
  | 'passkey_added'
  | 'passkey_removed'
  | 'totp_enabled'
  | 'totp_disabled'
  | 'totp_removed';

/** The messages we send, each with the values its texts need. */
export type MailTemplate =
  | { kind: 'verify_email'; email: string; link: string; lifetimeSeconds: number }
  | { kind: 'reset_password'; email: string; link: string; lifetimeSeconds: number }
  /** An operator made the account (docs/admin-api.md): the link sets its first password. */
  | { kind: 'account_created'; email: string; link: string; lifetimeSeconds: number }
  /** `email` is the new address, where the link goes. */
  | { kind: 'confirm_email_change'; email: string; link: string; lifetimeSeconds: number }
  | {
      kind: 'invitation';
      email: string;
      link: string;
      lifetimeSeconds: number;
      tenantName: string;
      role: MembershipRole;
    }
  | { kind: 'email_code'; email: string; code: string; link: string; lifetimeSeconds: number }
  | { kind: 'totp_email_recovery'; email: string; link: string; lifetimeSeconds: number; waitSeconds: number }
  /** To the old address, once the new one is confirmed. */
  | { kind: 'email_changed'; email: string; newEmail: string }
  | { kind: NoticeKind; email: string };

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

const htmlEscapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => htmlEscapes[character] ?? character);
}

/** The values a template's texts may name, every one a string; the role in the catalogue's words. */
function valuesOf(template: MailTemplate, say: (id: MailTextId) => string): Record<string, string> {
  const values: Record<string, string> = { email: template.email };
  if ('newEmail' in template) values.newEmail = template.newEmail;
  if ('code' in template) values.code = template.code;
  if ('waitSeconds' in template) values.waitHours = String(Math.round(template.waitSeconds / 3600));
  if ('tenantName' in template) {
    values.tenantName = template.tenantName;
    values.role = say(`role.${template.role}`);
  }
  if ('lifetimeSeconds' in template) {
    values.days = String(Math.round(template.lifetimeSeconds / 86_400));
    values.hours = String(Math.round(template.lifetimeSeconds / 3600));
    values.minutes = String(Math.round(template.lifetimeSeconds / 60));
  }
  return values;
}

/**
 * Plain-text and HTML bodies of one message, from the catalogue of `locale`. The templates are
 * the paragraphs below and nothing else: every word comes from the catalogue, every value is
 * escaped in the HTML. A message with a link says what it does and when it expires; a notice says
 * what to do if the change was not the user's.
 */
export function renderMail({ template, locale = 'en' }: { template: MailTemplate; locale?: MailLocale }): RenderedMail {
  const catalogue = mailCatalogues[locale];
  const raw = (id: MailTextId) => catalogue[id];
  const values = valuesOf(template, raw);
  const say = (id: MailTextId) => raw(id).replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? '');

  const textParts = [say('mail.greeting'), say(`${template.kind}.intro`)];
  const htmlParts = textParts.map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`);
  // A request its reader must not ignore (someone is removing their second factor) ends with a warning.
  const closing: MailTextId[] = !('link' in template)
    ? [`${template.kind}.warning`, 'mail.signature']
    : template.kind === 'totp_email_recovery'
      ? [`${template.kind}.expiry`, `${template.kind}.warning`, 'mail.signature']
      : [`${template.kind}.expiry`, 'mail.ignore', 'mail.signature'];
  if ('link' in template) {
    textParts.push(template.link);
    htmlParts.push(`<p><a href="${escapeHtml(template.link)}">${escapeHtml(say(`${template.kind}.action`))}</a></p>`);
  }
  for (const id of closing) {
    textParts.push(say(id));
    htmlParts.push(`<p>${escapeHtml(say(id))}</p>`);
  }
  return {
    subject: say(`${template.kind}.subject`),
    text: `${textParts.join('\n\n')}\n`,
    html: `<!doctype html><html lang="${locale}"><body>${htmlParts.join('')}</body></html>`,
  };
}
