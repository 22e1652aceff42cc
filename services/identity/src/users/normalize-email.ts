/** Emails are compared case-insensitively and without surrounding space; stored in this form. */
export function normalizeEmail(email: string): string {
  return email.trim().normalize('NFC').toLowerCase();
}
