import { ConfigError } from '../errors.ts';
import { type InternalApiTokenSettings, internalApiToken } from './internal-api-token.ts';
import type { RotatingSecret } from './rotating-secret.ts';

/** The settings the principal-assertion key comes from, as the edge's and orchestrator's configurations name them. */
export interface PrincipalAssertionSettings extends InternalApiTokenSettings {
  readonly PRINCIPAL_ASSERTION_KEY?: string | undefined;
  readonly PRINCIPAL_ASSERTION_KEY_PREVIOUS?: string | undefined;
  readonly PRINCIPAL_ASSERTION_KEY_NEXT?: string | undefined;
}

/**
 * The secret the principal-assertion keys are derived from: `PRINCIPAL_ASSERTION_KEY` and its
 * rotation values, or the internal API token's when it is unset (one secret to manage locally).
 * A previous or next value without a current one would be ignored, so it fails start-up instead.
 */
export function principalAssertionSecret(settings: PrincipalAssertionSettings): RotatingSecret {
  const { PRINCIPAL_ASSERTION_KEY: current, PRINCIPAL_ASSERTION_KEY_PREVIOUS: previous } = settings;
  const { PRINCIPAL_ASSERTION_KEY_NEXT: next } = settings;
  if (current === undefined) {
    if (previous !== undefined || next !== undefined) {
      throw new ConfigError('principal', [
        'PRINCIPAL_ASSERTION_KEY_PREVIOUS and PRINCIPAL_ASSERTION_KEY_NEXT need PRINCIPAL_ASSERTION_KEY',
      ]);
    }
    return internalApiToken(settings);
  }
  return Object.freeze({ current, previous, next });
}
