import { AuthError } from '@authscale/core';
import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import type { FlowStore } from '../mfa/flow-store.ts';
import { newFlowId } from '../mfa/new-flow-id.ts';
import type { PasskeyStore } from './passkey-store.ts';

export interface CreatePasskeysOptions {
  store: PasskeyStore;
  flows: FlowStore;
  /** The RP ID (a registrable domain of the origin), from configuration. */
  rpId: string;
  rpName: string;
  /** The exact origin(s) the browser reports, from configuration: never a Host header. */
  origins: readonly string[];
  /** How long a challenge stays usable. @default 300 */
  challengeTtlSeconds?: number;
}

/** RFC 8176 method: a passkey that syncs between devices is software-protected. */
export type PasskeyMethod = 'hwk' | 'swk';

const refused = (cause: unknown) => new AuthError('invalid_credentials', 'The passkey was not accepted.', { cause });

/**
 * WebAuthn registration for a signed-in user and usernameless sign-in with discoverable
 * credentials. Every challenge lives in a server-side flow and is taken (deleted) by the first
 * verification, whatever its outcome; user verification is required throughout.
 */
export function createPasskeys({
  store,
  flows,
  rpId,
  rpName,
  origins,
  challengeTtlSeconds = 300,
}: CreatePasskeysOptions) {
  const expectedOrigin = [...origins];
  const timeout = challengeTtlSeconds * 1000;

  return Object.freeze({
    async registrationOptions({ userId, userName }: { userId: string; userName: string }) {
      const existing = await store.listForUser({ userId });
      const options = await generateRegistrationOptions({
        rpName,
        rpID: rpId,
        userID: new TextEncoder().encode(userId),
        userName,
        timeout,
        attestationType: 'none',
        excludeCredentials: existing.map(({ credentialId, transports }) => ({ id: credentialId, transports })),
        authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
      });
      const flowId = newFlowId();
      await flows.put({
        kind: 'webauthn_registration',
        id: flowId,
        payload: { userId, challenge: options.challenge },
        ttlSeconds: challengeTtlSeconds,
      });
      return { flowId, options };
    },

    async verifyRegistration({
      userId,
      flowId,
      response,
    }: {
      userId: string;
      flowId: string;
      response: RegistrationResponseJSON;
    }): Promise<{ credentialId: string }> {
      const flow = await flows.take({ kind: 'webauthn_registration', id: flowId });
      if (!flow || flow.userId !== userId || typeof flow.challenge !== 'string') {
        throw new AuthError('invalid_request', 'The registration challenge is unknown or spent.');
      }
      let verification: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
      try {
        verification = await verifyRegistrationResponse({
          response,
          expectedChallenge: flow.challenge,
          expectedOrigin,
          expectedRPID: rpId,
          requireUserVerification: true,
        });
      } catch (error) {
        throw refused(error);
      }
      if (!verification.verified) throw refused(undefined);
      const { credential, credentialDeviceType, credentialBackedUp } = verification.registrationInfo;
      const created = await store.create({
        userId,
        credentialId: credential.id,
        publicKey: credential.publicKey,
        signCount: credential.counter,
        transports: credential.transports ?? [],
        deviceType: credentialDeviceType,
        backedUp: credentialBackedUp,
      });
      if (!created) throw new AuthError('conflict', 'This passkey is already registered.');
      return { credentialId: credential.id };
    },

    async authenticationOptions() {
      const options = await generateAuthenticationOptions({ rpID: rpId, timeout, userVerification: 'required' });
      const flowId = newFlowId();
      await flows.put({
        kind: 'webauthn_authentication',
        id: flowId,
        payload: { challenge: options.challenge },
        ttlSeconds: challengeTtlSeconds,
      });
      return { flowId, options };
    },

    /** The user the passkey belongs to, and how it was protected. */
    async verifyAuthentication({
      flowId,
      response,
    }: {
      flowId: string;
      response: AuthenticationResponseJSON;
    }): Promise<{ userId: string; method: PasskeyMethod }> {
      const flow = await flows.take({ kind: 'webauthn_authentication', id: flowId });
      if (!flow || typeof flow.challenge !== 'string') {
        throw new AuthError('invalid_request', 'The sign-in challenge is unknown or spent.');
      }
      const record = await store.find({ credentialId: response.id });
      if (!record) throw refused(undefined);
      // A discoverable credential names its user; it must be the one we registered it to.
      const userHandle = response.response.userHandle;
      if (userHandle && Buffer.from(userHandle, 'base64url').toString('utf8') !== record.userId) {
        throw refused(undefined);
      }
      let verification: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
      try {
        verification = await verifyAuthenticationResponse({
          response,
          expectedChallenge: flow.challenge,
          expectedOrigin,
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
        throw refused(error);
      }
      if (!verification.verified) throw refused(undefined);
      const { newCounter, credentialDeviceType } = verification.authenticationInfo;
      const counted = await store.updateSignCount({
        credentialId: record.credentialId,
        userId: record.userId,
        previousCount: record.signCount,
        newCount: newCounter,
      });
      if (!counted) throw refused(undefined);
      return { userId: record.userId, method: credentialDeviceType === 'multiDevice' ? 'swk' : 'hwk' };
    },
  });
}

export type Passkeys = ReturnType<typeof createPasskeys>;
