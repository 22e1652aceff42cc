import { ConfigError } from '@authscale/core';
import type { OrchestratorConfig } from '../config.ts';
import { generateSigningKey } from './generate-signing-key.ts';
import { loadSigningKeys, type SigningKeys } from './signing-keys.ts';

/**
 * The signing keys from `JWT_SIGNING_KEYS`, or, only when `INSECURE_EPHEMERAL_SIGNING_KEY` is
 * set, a key generated now (tokens die with the process; replicas would disagree).
 */
export async function signingKeysFromConfig(
  config: Pick<OrchestratorConfig, 'JWT_SIGNING_KEYS' | 'JWT_ACTIVE_KID' | 'INSECURE_EPHEMERAL_SIGNING_KEY'>,
  warn: (message: string) => void = console.warn,
): Promise<SigningKeys> {
  if (config.JWT_SIGNING_KEYS) {
    let jwks: unknown;
    try {
      jwks = JSON.parse(config.JWT_SIGNING_KEYS);
    } catch {
      throw new ConfigError('orchestrator', ['JWT_SIGNING_KEYS: not valid JSON']);
    }
    return loadSigningKeys({ jwks, ...(config.JWT_ACTIVE_KID ? { activeKid: config.JWT_ACTIVE_KID } : {}) });
  }
  if (!config.INSECURE_EPHEMERAL_SIGNING_KEY) {
    throw new ConfigError('orchestrator', [
      'JWT_SIGNING_KEYS is required (set INSECURE_EPHEMERAL_SIGNING_KEY=true for a throw-away development key)',
    ]);
  }
  warn('INSECURE_EPHEMERAL_SIGNING_KEY: signing with a key generated at start-up; never use this in production');
  return loadSigningKeys({ jwks: { keys: [await generateSigningKey()] } });
}
