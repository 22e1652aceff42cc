import type { Queryable } from '../postgres/queryable.ts';

export type DeliveryOutcome =
  | { kind: 'delivered'; status: number }
  | { kind: 'retry'; status?: number; error: string; retryInMs: number }
  | { kind: 'dead'; status?: number; error: string };

/**
 * Records how an attempt ended: delivered, due again after a back-off, or dead-lettered. Only the
 * attempt that holds the claim settles it (`attempt` still current, still pending), so a dispatcher
 * that outlived its lease cannot undo what the next one did. `error` is a code, never a body.
 */
export async function settleDelivery(
  db: Queryable,
  { id, attempt, outcome }: { id: string; attempt: number; outcome: DeliveryOutcome },
): Promise<boolean> {
  const state = outcome.kind === 'retry' ? 'pending' : outcome.kind;
  const { rowCount } = await db.query(
    `UPDATE webhook_deliveries
     SET state = $3, last_status = $4, last_error = $5,
       next_attempt_at = CASE WHEN $3 = 'pending' THEN now() + make_interval(secs => $6::double precision / 1000)
                         ELSE next_attempt_at END,
       settled_at = CASE WHEN $3 = 'pending' THEN NULL ELSE now() END
     WHERE id = $1 AND attempts = $2 AND state = 'pending'`,
    [
      id,
      attempt,
      state,
      outcome.status ?? null,
      outcome.kind === 'delivered' ? null : outcome.error,
      outcome.kind === 'retry' ? outcome.retryInMs : 0,
    ],
  );
  return rowCount === 1;
}
