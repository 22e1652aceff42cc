import { ConfigError } from '@authscale/core';
import { createLocalJWKSet, importJWK, type JWK } from 'jose';

export interface SigningKeys {
  /** The key that signs new tokens. */
  activeKid: string;
  privateKey: Awaited<ReturnType<typeof importJWK>>;
  /** What `/.well-known/jwks.json` publishes: every key that may still verify a live token. */
  publicJwks: { keys: JWK[] };
  /** A resolver over `publicJwks`, for verifying our own tokens in-process. */
  verifier: ReturnType<typeof createLocalJWKSet>;
}

export interface LoadSigningKeysOptions {
  /**
   * A JWK Set. Each key is an EC P-256 key with a `kid`. The active key must include its private
   * part (`d`); retired keys should be public only, so their private halves can be destroyed.
   */
  jwks: unknown;
  /** @default the first key in the set */
  activeKid?: string;
}

const publicMembers = ['kty', 'crv', 'x', 'y'] as const;

/** Validates and imports the signing keys once at start-up; any problem is a ConfigError. */
export async function loadSigningKeys({ jwks, activeKid }: LoadSigningKeysOptions): Promise<SigningKeys> {
  const keys = (jwks as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new ConfigError('signing keys', ['expected a JWK Set: {"keys": [...]} with at least one key']);
  }
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const [index, key] of (keys as JWK[]).entries()) {
    if (typeof key?.kid !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(key.kid)) problems.push(`keys[${index}]: kid`);
    else if (seen.has(key.kid)) problems.push(`keys[${index}]: duplicate kid "${key.kid}"`);
    else seen.add(key.kid);
    if (key?.kty !== 'EC' || key.crv !== 'P-256' || !key.x || !key.y)
      problems.push(`keys[${index}]: not an EC P-256 key`);
    if (key?.alg !== undefined && key.alg !== 'ES256') problems.push(`keys[${index}]: alg must be ES256`);
  }
  const active = (keys as JWK[]).find((key) => key.kid === (activeKid ?? (keys[0] as JWK).kid));
  if (!active) problems.push(`no key has the active kid "${activeKid}"`);
  else if (!active.d) problems.push(`the active key "${active.kid}" has no private part`);
  if (problems.length > 0) throw new ConfigError('signing keys', problems);

  const activeKey = active as JWK & { kid: string };
  const publicJwks = Object.freeze({
    keys: (keys as JWK[]).map((key) =>
      Object.freeze({
        ...Object.fromEntries(publicMembers.map((member) => [member, key[member]])),
        kid: key.kid,
        alg: 'ES256',
        use: 'sig',
      }),
    ),
  });
  return Object.freeze({
    activeKid: activeKey.kid,
    privateKey: await importJWK({ ...activeKey, alg: 'ES256' }, 'ES256'),
    publicJwks,
    verifier: createLocalJWKSet(publicJwks),
  });
}
