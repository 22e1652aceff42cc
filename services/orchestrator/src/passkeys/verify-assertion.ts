import { AuthError } from '@authscale/core';
import { type AuthenticationResponseJSON, verifyAuthenticationResponse } from '@simplewebauthn/server';
import type { PasskeyStore } from './passkey-store.ts';

/** RFC 8176 method: a passkey that syncs between devices is software-protected. */
export type PasskeyMethod = 'hwk' | 'swk';

export interface VerifyAssertionOptions {
  store: PasskeyStore;
  response: AuthenticationResponseJSON;
  /** The challenge the caller took from its single-use flow. */
  challenge: string;
  rpId: string;
  origins: string[];
  /** When set, the credential must belong to this user (step-up: the signed-in user). */
  expectedUserId?: string;
}

export const passkeyRefused = (cause: unknown) =>
  new AuthError('invalid_credentials', 'The passkey was not accepted.', { cause });

/**
 * The checks every assertion passes, for sign-in and step-up alike: a registered credential, a
 * user handle naming its owner, the signature over our challenge from one of our origins and RP
 * ID with user verification, and a counter moved forward by one conditional update.
 */
export async function verifyAssertion({
  store,
  response,
  challenge,
  rpId,
  origins,
  expectedUserId,
}: VerifyAssertionOptions): Promise<{ userId: string; method: PasskeyMethod }> {
  const record = await store.find({ credentialId: response.id });
  if (!record) throw passkeyRefused(undefined);
  if (expectedUserId !== undefined && record.userId !== expectedUserId) throw passkeyRefused(undefined);
  // WebAuthn L3 section 7.2 step 6. A sign-in identified nobody beforehand: the credential must
  // name its user, and that user must be the one we registered it to. A step-up identified the
  // signed-in user: a user handle may be absent, and must name that user when present.
  const userHandle = response.response.userHandle;
  if (!userHandle && expectedUserId === undefined) throw passkeyRefused(undefined);
  if (userHandle && Buffer.from(userHandle, 'base64url').toString('utf8') !== record.userId) {
    throw passkeyRefused(undefined);
  }
  let verification: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
  try {
    verification = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: origins,
      expectedRPID: rpId,
      credential: {
        id: record.credentialId,
        publicKey: new Uint8Array(record.publicKey),
        counter: record.signCount,
        transports: record.transports,
      },
      requireUserVerification: true,
    });
  } catch (error) {
    throw passkeyRefused(error);
  }
  if (!verification.verified) throw passkeyRefused(undefined);
  const { newCounter, credentialDeviceType } = verification.authenticationInfo;
  const counted = await store.updateSignCount({
    credentialId: record.credentialId,
    userId: record.userId,
    previousCount: record.signCount,
    newCount: newCounter,
  });
  if (!counted) throw passkeyRefused(undefined);
  return { userId: record.userId, method: credentialDeviceType === 'multiDevice' ? 'swk' : 'hwk' };
}
