import type { SessionRecord } from '../store/session-record.ts';

/** The record as Redis hash fields; nulls are stored as absent fields. */
export function toHashFields(record: SessionRecord): string[] {
  const fields: Array<[string, string | null]> = [
    ['sid', record.sid],
    ['userId', record.userId],
    ['tenantId', record.tenantId],
    ['createdAt', String(record.createdAt)],
    ['lastSeenAt', String(record.lastSeenAt)],
    ['idleExpiresAt', String(record.idleExpiresAt)],
    ['absoluteExpiresAt', String(record.absoluteExpiresAt)],
    ['ip', record.ip],
    ['userAgent', record.userAgent],
    ['amr', JSON.stringify(record.amr)],
    ['acr', record.acr],
    ['authTime', String(record.authTime)],
  ];
  return fields.flatMap(([name, value]) => (value === null ? [] : [name, value]));
}

/** The record from HGETALL, or null when the hash is absent or not a session. */
export function fromHash(hash: Record<string, string>): SessionRecord | null {
  const { sid, userId, tenantId, acr, amr } = hash;
  if (!sid || !userId || !tenantId || acr === undefined || !amr) return null;
  return {
    sid,
    userId,
    tenantId,
    createdAt: Number(hash.createdAt),
    lastSeenAt: Number(hash.lastSeenAt),
    idleExpiresAt: Number(hash.idleExpiresAt),
    absoluteExpiresAt: Number(hash.absoluteExpiresAt),
    ip: hash.ip ?? null,
    userAgent: hash.userAgent ?? null,
    amr: JSON.parse(amr) as string[],
    acr,
    authTime: Number(hash.authTime),
  };
}
