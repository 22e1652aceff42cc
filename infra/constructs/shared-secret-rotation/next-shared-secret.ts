import { randomBytes } from 'node:crypto';

/**
 * The value of a secret the services share (the internal API token, the principal-assertion key):
 * senders use `current`, receivers accept all three. Tasks read it at start, as three variables
 * (`INTERNAL_API_TOKEN`, `INTERNAL_API_TOKEN_PREVIOUS`, `INTERNAL_API_TOKEN_NEXT`).
 */
export interface SharedSecretValue {
  readonly previous: string;
  readonly current: string;
  readonly next: string;
}

/** The JSON fields of a shared secret, which task definitions reference one by one. */
export const sharedSecretFields = ['previous', 'current', 'next'] as const satisfies ReadonlyArray<
  keyof SharedSecretValue
>;

/** The services refuse shorter values. */
const minimumLength = 32;

/** 256 random bits, base64url: 43 characters. */
export function generateSharedSecretPart(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * One rotation step: the next value, known to every task since the last rotation, becomes current;
 * the current one stays accepted as the previous one; a fresh next value is published. A task that
 * started before this step and one that starts after it accept what the other sends, whatever order
 * the rolling deployment restarts them in, and no task needs to know which is which.
 * A single value (the secret as first generated, or as it was before it rotated) becomes both
 * previous and current, so the tasks that hold it keep working; anything else starts afresh.
 */
export function nextSharedSecret(
  secretString: string | undefined,
  generate: () => string = generateSharedSecretPart,
): SharedSecretValue {
  const value = parsed(secretString);
  if (isSharedSecret(value)) return { previous: value.current, current: value.next, next: generate() };
  const current = isPart(secretString) && value === null ? secretString : generate();
  return { previous: current, current, next: generate() };
}

export function isSharedSecret(value: unknown): value is SharedSecretValue {
  if (!value || typeof value !== 'object') return false;
  return sharedSecretFields.every((field) => isPart((value as Record<string, unknown>)[field]));
}

function isPart(value: unknown): value is string {
  return typeof value === 'string' && value.length >= minimumLength && value.trim() === value;
}

/** The JSON object in `secretString`, or null when it holds something else. */
function parsed(secretString: string | undefined): unknown {
  try {
    const value: unknown = secretString === undefined ? null : JSON.parse(secretString);
    return value !== null && typeof value === 'object' ? value : null;
  } catch {
    return null;
  }
}
