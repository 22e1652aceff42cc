/**
 * Every user-facing string of the messages we send, by stable id. A second language is one more
 * object of the same type; `{name}` placeholders are filled by `renderMail`.
 */
const english = {
  'mail.greeting': 'Hello,',
  'mail.ignore': 'If you did not ask for this, you can ignore this message.',
  'mail.signature': 'The authscale team',
  'role.owner': 'owner',
  'role.admin': 'admin',
  'role.member': 'member',
  'verify_email.subject': 'Confirm your email address',
  'verify_email.intro': 'Confirm that {email} is your address by opening this link:',
  'verify_email.action': 'Confirm my address',
  'verify_email.expiry': 'The link works once and expires in {hours} hours.',
  'reset_password.subject': 'Reset your password',
  'reset_password.intro': 'Someone asked to reset the password of the account for {email}. Choose a new one here:',
  'reset_password.action': 'Choose a new password',
  'reset_password.expiry': 'The link works once and expires in {minutes} minutes.',
  'account_created.subject': 'An account was created for you',
  'account_created.intro': 'An account for {email} was created for you. Choose its password here to sign in:',
  'account_created.action': 'Choose my password',
  'account_created.expiry': 'The link works once and expires in {days} days.',
  'confirm_email_change.subject': 'Confirm your new email address',
  'confirm_email_change.intro':
    'Someone asked to move an account to {email}. If that was you, confirm the new address here:',
  'confirm_email_change.action': 'Confirm my new address',
  'confirm_email_change.expiry':
    'The link works once and expires in {minutes} minutes. Until then the account keeps its old address.',
  'invitation.subject': 'You are invited to join a team',
  'invitation.intro':
    'You are invited to join "{tenantName}" as {role}. Sign in (or sign up) with {email}, confirm that address, then accept here:',
  'invitation.action': 'Accept the invitation',
  'invitation.expiry': 'The link works once and expires in {days} days.',
  'password_was_reset.subject': 'Your password was changed',
  'password_was_reset.intro':
    'The password of the account for {email} was just reset, and every device was signed out.',
  'password_was_reset.warning': 'If this was not you, reset your password now and contact support.',
  'password_changed.subject': 'Your password was changed',
  'password_changed.intro':
    'The password of the account for {email} was just changed, and other devices were signed out.',
  'password_changed.warning': 'If this was not you, reset your password now and contact support.',
  'email_changed.subject': 'Your email address was changed',
  'email_changed.intro': 'The account that used {email} now uses {newEmail}. Mail for it no longer comes here.',
  'email_changed.warning': 'If this was not you, contact support at once: the account may be in someone else’s hands.',
  'passkey_added.subject': 'A passkey was added to your account',
  'passkey_added.intro': 'A new passkey can now sign in to the account for {email}.',
  'passkey_added.warning': 'If this was not you, remove the passkey, change your password and contact support.',
  'passkey_removed.subject': 'A passkey was removed from your account',
  'passkey_removed.intro': 'A passkey of the account for {email} was removed and can no longer sign in.',
  'passkey_removed.warning': 'If this was not you, change your password and contact support.',
  'totp_enabled.subject': 'Two-step sign-in was turned on',
  'totp_enabled.intro': 'Sign-ins to the account for {email} now ask for a code from an authenticator app.',
  'totp_enabled.warning': 'If this was not you, change your password and contact support.',
  'totp_disabled.subject': 'Two-step sign-in was turned off',
  'totp_disabled.intro': 'Sign-ins to the account for {email} no longer ask for a code from an authenticator app.',
  'totp_disabled.warning':
    'If this was not you, change your password, turn two-step sign-in back on and contact support.',
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
