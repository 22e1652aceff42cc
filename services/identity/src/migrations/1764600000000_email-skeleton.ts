import type { MigrationBuilder } from 'node-pg-migrate';
import { emailSkeleton } from '../users/email-skeleton.ts';

/** Rows read and written per round trip while existing accounts get their skeletons. */
const batchSize = 1000;

/**
 * At most one account per confusable skeleton (UTS #39), so no account can be a look-alike of
 * another's address. Computed by the application (Postgres has no confusables table), so existing
 * accounts get theirs here, oldest first: a later account whose address looks like an older one's
 * keeps none (NULL is not unique), a case for an operator, not for a migration to settle. So does
 * an account that a task of the previous release creates while a deployment rolls.
 */
export async function up(pgm: MigrationBuilder): Promise<void> {
  // Through pgm.db, which runs at once: pgm.sql would queue it after the backfill below.
  await pgm.db.query('ALTER TABLE users ADD COLUMN email_skeleton text');
  const taken = new Set<string>();
  // The time as text: a JS Date drops the microseconds, and the page would start again at its last row.
  let after: { created_at: string; id: string } | undefined;
  for (;;) {
    const rows: Array<{ id: string; email: string; created_at: string }> = await pgm.db.select(
      `SELECT id, email, created_at::text FROM users
       WHERE $1::timestamptz IS NULL OR (created_at, id) > ($1::timestamptz, $2::uuid)
       ORDER BY created_at, id LIMIT ${batchSize}`,
      [after?.created_at ?? null, after?.id ?? null],
    );
    if (rows.length === 0) break;
    const ids: string[] = [];
    const skeletons: string[] = [];
    for (const { id, email } of rows) {
      const skeleton = emailSkeleton(email);
      if (taken.has(skeleton)) continue;
      taken.add(skeleton);
      ids.push(id);
      skeletons.push(skeleton);
    }
    await pgm.db.query(
      `UPDATE users SET email_skeleton = given.skeleton
       FROM unnest($1::uuid[], $2::text[]) AS given (id, skeleton) WHERE users.id = given.id`,
      [ids, skeletons],
    );
    after = rows.at(-1);
  }
  await pgm.db.query('CREATE UNIQUE INDEX users_email_skeleton_key ON users (email_skeleton)');
}

export async function down(pgm: MigrationBuilder): Promise<void> {
  pgm.sql('ALTER TABLE users DROP COLUMN email_skeleton');
}
