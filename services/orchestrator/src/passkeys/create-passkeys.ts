import { AuthError } from '@authscale/core';
import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type RegistrationResponseJSON,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import type { FlowStore } from '../mfa/flow-store.ts';
import { newFlowId } from '../mfa/new-flow-id.ts';
import type { PasskeyStore } from './passkey-store.ts';
import { type PasskeyMethod, passkeyRefused, verifyAssertion } from './verify-assertion.ts';

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
        throw new AuthError('invalid_credentials', 'The registration challenge is unknown or spent.');
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
        throw passkeyRefused(error);
      }
      if (!verification.verified) throw passkeyRefused(undefined);
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
        throw new AuthError('invalid_credentials', 'The sign-in challenge is unknown or spent.');
      }
      return verifyAssertion({ store, response, challenge: flow.challenge, rpId, origins: expectedOrigin });
    },

    /**
     * A challenge for re-proving presence in an existing session: bound to the user and the
     * session, limited to the user's own credentials, single-use like a sign-in challenge.
     */
    async stepUpOptions({ userId, sessionId }: { userId: string; sessionId: string }) {
      const existing = await store.listForUser({ userId });
      if (existing.length === 0) throw new AuthError('conflict', 'No passkey is registered for this account.');
      const options = await generateAuthenticationOptions({
        rpID: rpId,
        timeout,
        userVerification: 'required',
        allowCredentials: existing.map(({ credentialId, transports }) => ({ id: credentialId, transports })),
      });
      const flowId = newFlowId();
      await flows.put({
        kind: 'webauthn_step_up',
        id: flowId,
        payload: { userId, sessionId, challenge: options.challenge },
        ttlSeconds: challengeTtlSeconds,
      });
      return { flowId, options };
    },

    /** Checks a step-up assertion: the flow is this session's and the credential this user's. */
    async verifyStepUp({
      userId,
      sessionId,
      flowId,
      response,
    }: {
      userId: string;
      sessionId: string;
      flowId: string;
      response: AuthenticationResponseJSON;
    }): Promise<{ method: PasskeyMethod }> {
      const flow = await flows.take({ kind: 'webauthn_step_up', id: flowId });
      if (!flow || flow.userId !== userId || flow.sessionId !== sessionId || typeof flow.challenge !== 'string') {
        throw new AuthError('invalid_credentials', 'The step-up challenge is unknown or spent.');
      }
      const { method } = await verifyAssertion({
        store,
        response,
        challenge: flow.challenge,
        rpId,
        origins: expectedOrigin,
        expectedUserId: userId,
      });
      return { method };
    },

    /** The user's passkeys as the account page shows them: never the public key. */
    async list({ userId }: { userId: string }) {
      const records = await store.listForUser({ userId });
      return records.map(({ credentialId, transports, createdAt, lastUsedAt }) => ({
        id: credentialId,
        transports,
        createdAt: createdAt.toISOString(),
        lastUsedAt: lastUsedAt?.toISOString() ?? null,
      }));
    },

    async remove({ userId, credentialId }: { userId: string; credentialId: string }): Promise<void> {
      if (!(await store.remove({ userId, credentialId }))) throw new AuthError('not_found');
    },
  });
}

export type Passkeys = ReturnType<typeof createPasskeys>;
