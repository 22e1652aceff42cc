import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto';

/** A private ES256 JWK as the orchestrator loads it. */
export interface SigningJwk {
  readonly kty: 'EC';
  readonly crv: 'P-256';
  readonly x: string;
  readonly y: string;
  readonly d: string;
  readonly kid: string;
  readonly alg: 'ES256';
  readonly use: 'sig';
}

/**
 * The secret's value: `keys[0]` signs, every key verifies and is published in the JWKS.
 * `keys[1]` is the next signer, published one full period before it signs, so tasks that still
 * hold the previous value verify tokens from tasks that hold the new one.
 */
export interface SigningKeySet {
  readonly keys: readonly SigningJwk[];
}

export function generateSigningJwk(): SigningJwk {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = privateKey.export({ format: 'jwk' });
  if (!jwk.x || !jwk.y || !jwk.d) throw new TypeError('node:crypto exported an incomplete EC key');
  return {
    kty: 'EC',
    crv: 'P-256',
    x: jwk.x,
    y: jwk.y,
    d: jwk.d,
    kid: randomBytes(12).toString('base64url'),
    alg: 'ES256',
    use: 'sig',
  };
}

/**
 * One rotation step: the published next key starts signing, a fresh key is published as the next
 * one, and the retiring signer stays for verification until the following rotation.
 * A value that is not a key set (the secret's bootstrap value) starts a new set.
 */
export function nextSigningKeySet(current: unknown, generate: () => SigningJwk = generateSigningJwk): SigningKeySet {
  const previous = isSigningKeySet(current) ? current.keys : [];
  const [retiring, next] = previous;
  const signer = next ?? generate();
  return { keys: retiring ? [signer, generate(), retiring] : [signer, generate()] };
}

export function isSigningKeySet(value: unknown): value is SigningKeySet {
  if (!value || typeof value !== 'object' || !Array.isArray((value as SigningKeySet).keys)) return false;
  const { keys } = value as SigningKeySet;
  return keys.length > 0 && keys.every(isUsableSigningJwk);
}

function isUsableSigningJwk(value: unknown): value is SigningJwk {
  const jwk = value as Partial<SigningJwk> | null;
  if (jwk?.kty !== 'EC' || jwk.crv !== 'P-256' || jwk.alg !== 'ES256' || typeof jwk.kid !== 'string') {
    return false;
  }
  try {
    // The private scalar must belong to the published point, or its tokens would never verify:
    // sign a probe with the private part and verify it with the public part alone.
    const privateKey = createPrivateKey({
      key: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, d: jwk.d },
      format: 'jwk',
    });
    const publicKey = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y }, format: 'jwk' });
    const probe = Buffer.from(jwk.kid);
    return verify('sha256', probe, publicKey, sign('sha256', probe, privateKey));
  } catch {
    return false;
  }
}
