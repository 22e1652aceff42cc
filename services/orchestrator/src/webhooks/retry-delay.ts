/**
 * The wait before attempt `failedAttempts + 1`: `baseMs` doubled per failure so far, capped at
 * `maxMs`, then drawn from its upper half, so endpoints that failed together do not all come back
 * in the same instant.
 */
export function retryDelayMs({
  failedAttempts,
  baseMs,
  maxMs,
  random = Math.random,
}: {
  failedAttempts: number;
  baseMs: number;
  maxMs: number;
  random?: () => number;
}): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(failedAttempts - 1, 40));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
