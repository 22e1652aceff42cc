import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { isoCBOR } from '@simplewebauthn/server/helpers';

const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest();
const b64url = (data: Uint8Array) => Buffer.from(data).toString('base64url');

const flags = { userPresent: 0x01, userVerified: 0x04, backupEligible: 0x08, backedUp: 0x10, attested: 0x40 };

export interface CeremonyOverrides {
  origin?: string;
  rpId?: string;
  userVerified?: boolean;
  /** For assertions: the counter to report instead of the next one. */
  signCount?: number;
  userHandle?: string;
}

/**
 * A discoverable ES256 credential held in memory, answering WebAuthn ceremonies the way a
 * browser would serialise them (fmt "none"). Overrides produce the malformed or hostile
 * responses the tests need.
 */
export function createSoftwareAuthenticator({ origin, rpId }: { origin: string; rpId: string }) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  const credentialId = randomBytes(16);
  let signCount = 0;
  let userHandle = '';

  const cosePublicKey = isoCBOR.encode(
    new Map<number, number | Uint8Array>([
      [1, 2],
      [3, -7],
      [-1, 1],
      [-2, Buffer.from(jwk.x as string, 'base64url')],
      [-3, Buffer.from(jwk.y as string, 'base64url')],
    ]),
  );

  function flagsFor(overrides: CeremonyOverrides, extra = 0) {
    return flags.userPresent | (overrides.userVerified === false ? 0 : flags.userVerified) | extra;
  }

  function counterBytes(count: number) {
    const bytes = Buffer.alloc(4);
    bytes.writeUInt32BE(count);
    return bytes;
  }

  return {
    credentialId: b64url(credentialId),

    register(
      options: PublicKeyCredentialCreationOptionsJSON,
      overrides: CeremonyOverrides = {},
    ): RegistrationResponseJSON {
      userHandle = options.user.id;
      const clientDataJSON = Buffer.from(
        JSON.stringify({ type: 'webauthn.create', challenge: options.challenge, origin: overrides.origin ?? origin }),
      );
      const idLength = Buffer.alloc(2);
      idLength.writeUInt16BE(credentialId.length);
      const authData = Buffer.concat([
        sha256(overrides.rpId ?? rpId),
        Buffer.from([flagsFor(overrides, flags.attested)]),
        counterBytes(0),
        Buffer.alloc(16),
        idLength,
        credentialId,
        cosePublicKey,
      ]);
      const attestationObject = isoCBOR.encode(
        new Map<string, unknown>([
          ['fmt', 'none'],
          ['attStmt', new Map()],
          ['authData', authData],
        ]) as never,
      );
      return {
        id: b64url(credentialId),
        rawId: b64url(credentialId),
        type: 'public-key',
        clientExtensionResults: {},
        response: {
          clientDataJSON: b64url(clientDataJSON),
          attestationObject: b64url(attestationObject),
          transports: ['internal'],
        },
      };
    },

    authenticate(
      options: PublicKeyCredentialRequestOptionsJSON,
      overrides: CeremonyOverrides = {},
    ): AuthenticationResponseJSON {
      signCount = overrides.signCount ?? signCount + 1;
      const clientDataJSON = Buffer.from(
        JSON.stringify({ type: 'webauthn.get', challenge: options.challenge, origin: overrides.origin ?? origin }),
      );
      const authData = Buffer.concat([
        sha256(overrides.rpId ?? rpId),
        Buffer.from([flagsFor(overrides)]),
        counterBytes(signCount),
      ]);
      const signature = sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), privateKey);
      return {
        id: b64url(credentialId),
        rawId: b64url(credentialId),
        type: 'public-key',
        clientExtensionResults: {},
        response: {
          clientDataJSON: b64url(clientDataJSON),
          authenticatorData: b64url(authData),
          signature: b64url(signature),
          userHandle: overrides.userHandle ?? userHandle,
        },
      };
    },
  };
}
