import { normalizeEmail } from '@authscale/core';
import type { MigrationBuilder } from 'node-pg-migrate';

/**
 * Addresses were stored NFC and lower case; the one normaliser now also folds compatibility forms
 * (NFKC) and writes the domain in its IDNA ASCII form. Only addresses with a non-ASCII character
 * can change. One whose new form another account already holds keeps its old spelling: two
 * accounts that are one address is a case for an operator, not for a migration to merge.
 */
export async function up(pgm: MigrationBuilder): Promise<void> {
  const rows: Array<{ id: string; email: string }> = await pgm.db.select(
    'SELECT id, email FROM users WHERE octet_length(email) <> char_length(email)',
  );
  for (const { id, email } of rows) {
    const normalized = normalizeEmail(email);
    if (normalized === email) continue;
    await pgm.db.query(
      'UPDATE users SET email = $2 WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM users WHERE email = $2)',
      [id, normalized],
    );
  }
}

/** The old spellings are not kept; the new form is as good a key for the old code. */
export async function down(): Promise<void> {}
