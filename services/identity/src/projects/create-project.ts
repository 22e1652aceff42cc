import type { Queryable } from '../postgres/queryable.ts';
import type { Project } from '../types.ts';

/** Creates a project in the current tenant; `tenant_id` defaults to the transaction's tenant. */
export async function createProject(db: Queryable, { name }: { name: string }): Promise<Project> {
  const { rows } = await db.query<{ id: string; name: string; created_at: Date }>(
    'INSERT INTO projects (name) VALUES ($1) RETURNING id, name, created_at',
    [name],
  );
  const row = rows[0] as { id: string; name: string; created_at: Date };
  return { id: row.id, name: row.name, createdAt: row.created_at.toISOString() };
}
