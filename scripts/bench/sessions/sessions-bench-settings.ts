/** How much `npm run bench:sessions` measures; its write-up quotes these figures. */
export const sessionsBenchSettings = Object.freeze({
  /** Sessions created and validated one at a time per row (latency). */
  sessionsPerRun: 5_000,
  /** Throw-away sessions validated first, to warm the JIT and the connections. */
  warmUp: 1_000,
  /** How long each row validates at full concurrency (throughput). */
  throughputMs: 2_000,
  concurrency: 64,
  absoluteTtlMs: 24 * 3_600_000,
  nearCache: { ttlMs: 60_000, maxEntries: 100_000 },
});
