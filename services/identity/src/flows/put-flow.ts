import type { Queryable } from '../postgres/queryable.ts';
import { flowIdHash } from './flow-id-hash.ts';

export interface PutFlowInput {
  kind: string;
  id: string;
  payload: Record<string, unknown>;
  ttlSeconds: number;
}

/** Stores (or replaces) a flow, and sweeps a bounded batch of expired ones in the same statement. */
export async function putFlow(db: Queryable, { kind, id, payload, ttlSeconds }: PutFlowInput): Promise<void> {
  await db.query(
    `WITH swept AS (
       DELETE FROM auth_flows WHERE ctid IN (SELECT ctid FROM auth_flows WHERE expires_at < now() LIMIT 100)
     )
     INSERT INTO auth_flows (kind, id_hash, payload, expires_at)
     VALUES ($1, $2, $3, now() + make_interval(secs => $4))
     ON CONFLICT (kind, id_hash) DO UPDATE SET payload = EXCLUDED.payload, expires_at = EXCLUDED.expires_at`,
    [kind, flowIdHash(id), JSON.stringify(payload), ttlSeconds],
  );
}
