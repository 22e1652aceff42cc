import type { KeyObject } from 'node:crypto';
import { acceptedValues, type RotatingSecret } from '../shared-secrets/rotating-secret.ts';
import { derivePrincipalKey } from './derive-principal-key.ts';

/** The principal-assertion keys of one task, derived once at start-up. */
export interface PrincipalKeys {
  /** The edge signs with the key of the current value. */
  readonly signing: KeyObject;
  /** The orchestrator accepts the keys of the current, previous and next values, in that order. */
  readonly verifying: readonly KeyObject[];
}

/** Derives the principal-assertion keys of every value of a rotating secret (`principalAssertionSecret`). */
export function principalKeys(secret: RotatingSecret): PrincipalKeys {
  const verifying = Object.freeze(acceptedValues(secret).map(derivePrincipalKey));
  return Object.freeze({ signing: verifying[0] as KeyObject, verifying });
}
