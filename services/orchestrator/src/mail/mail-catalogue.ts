/**
 * Every user-facing string of the messages we send, by stable id. A second language is one more
 * object of the same type; `{name}` placeholders are filled by `renderMail`.
 */
const english = {
  'mail.greeting': 'Hello,',
  'mail.ignore': 'If you did not ask for this, you can ignore this message.',
  'mail.signature': 'The authscale team',
  'verify_email.subject': 'Confirm your email address',
  'verify_email.intro': 'Confirm that {email} is your address by opening this link:',
  'verify_email.action': 'Confirm my address',
  'verify_email.expiry': 'The link works once and expires in {hours} hours.',
  'reset_password.subject': 'Reset your password',
  'reset_password.intro': 'Someone asked to reset the password of the account for {email}. Choose a new one here:',
  'reset_password.action': 'Choose a new password',
  'reset_password.expiry': 'The link works once and expires in {minutes} minutes.',
  'password_changed.subject': 'Your password was changed',
  'password_changed.intro': 'The password of the account for {email} was just reset, and every device was signed out.',
  'password_changed.warning': 'If this was not you, reset your password now and contact support.',
} as const;

export type MailTextId = keyof typeof english;
export type MailCatalogue = Readonly<Record<MailTextId, string>>;

export const mailCatalogues = Object.freeze({ en: english } satisfies Record<string, MailCatalogue>);

export type MailLocale = keyof typeof mailCatalogues;
