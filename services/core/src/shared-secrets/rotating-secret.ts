/**
 * A secret the services share while it rotates (docs/runbooks/rotating-internal-secrets.md): a
 * sender uses `current` only; a receiver accepts all three. `next` is the value the following
 * rotation makes current, so receivers know it before any sender uses it; `previous` is the value
 * senders that have not restarted yet still use. With both, tasks one rotation apart accept each
 * other, whatever order a rolling deployment restarts them in.
 */
export interface RotatingSecret {
  readonly current: string;
  readonly previous?: string | undefined;
  readonly next?: string | undefined;
}

/** The values a receiver accepts, `current` first (the one nearly every caller sends), each once. */
export function acceptedValues({ current, previous, next }: RotatingSecret): string[] {
  return [...new Set([current, previous, next].filter((value): value is string => value !== undefined))];
}
