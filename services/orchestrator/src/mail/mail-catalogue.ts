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
  'email_code.subject': 'Your sign-in code',
  'email_code.intro': 'Your code to sign in to the account for {email} is {code}. Or sign in with this link:',
  'email_code.action': 'Sign me in',
  'email_code.expiry': 'The code and the link work once, and only until {minutes} minutes from now.',
  'totp_email_recovery.subject': 'Removing two-step verification from your account',
  'totp_email_recovery.intro':
    'Someone asked to remove the authenticator app from the account for {email}, having lost its codes and recovery codes. For your safety this waits {waitHours} hours: from then on, this link removes it:',
  'totp_email_recovery.action': 'Remove the authenticator app',
  'totp_email_recovery.expiry': 'The link works once, and until {hours} hours from now.',
  'totp_email_recovery.warning':
    'If this was not you, open the link now and cancel the request, then change your password: whoever asked may know it.',
  'totp_removed.subject': 'Two-step verification was removed',
  'totp_removed.intro':
    'The authenticator app of the account for {email} was removed by the email recovery you asked for. You can set up a new one after you sign in.',
  'totp_removed.warning': 'If this was not you, reset your password now and contact support.',
} as const;

export type MailTextId = keyof typeof english;
export type MailCatalogue = Readonly<Record<MailTextId, string>>;

export const mailCatalogues = Object.freeze({ en: english } satisfies Record<string, MailCatalogue>);

export type MailLocale = keyof typeof mailCatalogues;
