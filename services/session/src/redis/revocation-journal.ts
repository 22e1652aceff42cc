export interface Revocation {
  userId: string;
  sid: string;
  recordedAt: number;
  /** True once a replica acknowledged the revoke (WAIT), so a failover keeps it. */
  replicated: boolean;
}

export interface CreateRevocationJournalOptions {
  /** How long a replicated revoke is still replayed after a topology change. */
  retentionMs: number;
  /** An unreplicated revoke is replayed until replicated or this old (a session's longest life). */
  maxAgeMs: number;
  now?: () => number;
}

/**
 * The revokes this replica performed recently, kept so that they can be applied again after a
 * Redis failover: a promoted replica may lack a revoke its old primary never replicated. Until
 * then, `covers` lets this replica refuse the revived session itself.
 */
export function createRevocationJournal({ retentionMs, maxAgeMs, now = Date.now }: CreateRevocationJournalOptions) {
  const entries = new Map<string, Revocation>();
  const keyOf = (userId: string, sid: string) => `${userId}\n${sid}`;

  return {
    record(revocation: Omit<Revocation, 'recordedAt' | 'replicated'>): Revocation {
      const key = keyOf(revocation.userId, revocation.sid);
      const entry = { ...revocation, recordedAt: now(), replicated: false };
      entries.delete(key);
      entries.set(key, entry);
      return entry;
    },

    covers(userId: string, sid: string): boolean {
      return entries.has(keyOf(userId, sid));
    },

    /** Drops entries past their retention. */
    prune(): void {
      const at = now();
      for (const [key, entry] of entries) {
        const age = at - entry.recordedAt;
        if (age > maxAgeMs || (entry.replicated && age > retentionMs)) entries.delete(key);
      }
    },

    /** Entries to replay, oldest first. */
    pending(): Revocation[] {
      return [...entries.values()];
    },

    unreplicatedCount(): number {
      let count = 0;
      for (const entry of entries.values()) if (!entry.replicated) count++;
      return count;
    },
  };
}

export type RevocationJournal = ReturnType<typeof createRevocationJournal>;
