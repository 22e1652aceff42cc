import { type MailLocale, type MailTextId, mailCatalogues } from './mail-catalogue.ts';

/** The messages we send, each with the values its texts need. */
export type MailTemplate =
  | { kind: 'verify_email'; email: string; link: string; lifetimeSeconds: number }
  | { kind: 'reset_password'; email: string; link: string; lifetimeSeconds: number }
  | { kind: 'password_changed'; email: string }
  | { kind: 'email_code'; email: string; code: string; link: string; lifetimeSeconds: number }
  | { kind: 'totp_email_recovery'; email: string; link: string; lifetimeSeconds: number; waitSeconds: number }
  | { kind: 'totp_removed'; email: string };

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

const htmlEscapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => htmlEscapes[character] ?? character);
}

/**
 * Plain-text and HTML bodies of one message, from the catalogue of `locale`. The templates are
 * the paragraphs below and nothing else: every word comes from the catalogue, every value is
 * escaped in the HTML.
 */
export function renderMail({ template, locale = 'en' }: { template: MailTemplate; locale?: MailLocale }): RenderedMail {
  const catalogue = mailCatalogues[locale];
  const values: Record<string, string> = { email: template.email };
  if ('lifetimeSeconds' in template) {
    values.hours = String(Math.round(template.lifetimeSeconds / 3600));
    values.minutes = String(Math.round(template.lifetimeSeconds / 60));
  }
  if ('code' in template) values.code = template.code;
  if ('waitSeconds' in template) values.waitHours = String(Math.round(template.waitSeconds / 3600));
  const say = (id: MailTextId) => catalogue[id].replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? '');
  const paragraphs: MailTextId[] = ['mail.greeting', `${template.kind}.intro`];
  // Notices have no link and end with a warning; so does a request its reader must not ignore.
  if (template.kind === 'password_changed' || template.kind === 'totp_removed') {
    paragraphs.push(`${template.kind}.warning`);
  } else if (template.kind === 'totp_email_recovery') {
    paragraphs.push(`${template.kind}.expiry`, `${template.kind}.warning`);
  } else {
    paragraphs.push(`${template.kind}.expiry`, 'mail.ignore');
  }
  const link = 'link' in template ? template.link : undefined;
  const action: MailTextId | undefined =
    template.kind === 'password_changed' || template.kind === 'totp_removed' ? undefined : `${template.kind}.action`;

  const textParts = paragraphs.map(say);
  if (link) textParts.splice(2, 0, link);
  textParts.push(say('mail.signature'));
  const htmlParts = paragraphs.map((id) => `<p>${escapeHtml(say(id))}</p>`);
  if (link && action) htmlParts.splice(2, 0, `<p><a href="${escapeHtml(link)}">${escapeHtml(say(action))}</a></p>`);
  htmlParts.push(`<p>${escapeHtml(say('mail.signature'))}</p>`);
  return {
    subject: say(`${template.kind}.subject`),
    text: `${textParts.join('\n\n')}\n`,
    html: `<!doctype html><html lang="${locale}"><body>${htmlParts.join('')}</body></html>`,
  };
}
