import type { Queryable } from '../postgres/queryable.ts';

/**
 * Deletes up to `limit` outbox rows fanned out more than `retentionSeconds` ago whose every
 * delivery is settled (delivered or dead), their deliveries with them (the foreign key cascades).
 * A delivery still pending keeps its event, however old. SKIP LOCKED lets dispatchers prune side
 * by side. Returns how many events it deleted.
 */
export async function pruneEvents(
  db: Queryable,
  { retentionSeconds, limit }: { retentionSeconds: number; limit: number },
): Promise<number> {
  const { rowCount } = await db.query(
    `WITH doomed AS (
       SELECT o.id FROM event_outbox o
       WHERE o.fanned_out_at < now() - make_interval(secs => $1)
         AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = o.id AND d.state = 'pending')
       ORDER BY o.fanned_out_at LIMIT $2 FOR UPDATE SKIP LOCKED
     )
     DELETE FROM event_outbox o USING doomed WHERE o.id = doomed.id`,
    [retentionSeconds, limit],
  );
  return rowCount ?? 0;
}
