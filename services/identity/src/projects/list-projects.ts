import type { Queryable } from '../postgres/queryable.ts';
import type { Project } from '../types.ts';

/**
 * The current tenant's projects, newest first. There is deliberately no tenant filter here:
 * row-level security supplies it from the transaction's `app.tenant_id`.
 */
export async function listProjects(db: Queryable, { limit = 100 }: { limit?: number } = {}): Promise<Project[]> {
  const { rows } = await db.query<{ id: string; name: string; created_at: Date }>(
    'SELECT id, name, created_at FROM projects ORDER BY created_at DESC, id LIMIT $1',
    [limit],
  );
  return rows.map((row) => ({ id: row.id, name: row.name, createdAt: row.created_at.toISOString() }));
}
