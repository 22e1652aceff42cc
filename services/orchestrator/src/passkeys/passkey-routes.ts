import { AuthError, countSignInAttempt } from '@authscale/core';
import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { assuranceLevel } from '../mfa/assurance-level.ts';
import { callerOf } from '../mfa/caller-of.ts';
import type { CeremonyDependencies } from '../mfa/ceremony-dependencies.ts';
import { defaultTenantOf } from '../mfa/default-tenant-of.ts';
import { requireRecentAuthentication } from '../mfa/require-recent-authentication.ts';
import { sessionCallerOf } from '../mfa/session-caller-of.ts';
import type { SecurityNotices } from '../notices/create-security-notices.ts';
import { countedSignInFailure } from '../sign-in/counted-sign-in-failure.ts';
import { tokenPairSchema } from '../sign-in/sign-in-schemas.ts';

/** The browser's serialised credential; @simplewebauthn/server checks every field inside. */
const credentialJson = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 1024 }),
  rawId: Type.String({ minLength: 1, maxLength: 1024 }),
  type: Type.Literal('public-key'),
  response: Type.Object({}, { additionalProperties: true }),
  clientExtensionResults: Type.Object({}, { additionalProperties: true }),
  authenticatorAttachment: Type.Optional(Type.String({ maxLength: 32 })),
});

const verifyBody = Type.Object(
  { flowId: Type.String({ minLength: 1, maxLength: 128 }), response: credentialJson },
  { additionalProperties: false },
);

/**
 * A ceremony's start: the flow to name at verification, and the options for the browser's
 * `navigator.credentials.create()` or `.get()`, as @simplewebauthn/server builds them.
 */
const ceremonyOptions = (kind: string) =>
  Type.Object({
    flowId: Type.String(),
    options: Type.Object(
      { challenge: Type.String() },
      { additionalProperties: true, description: `WebAuthn ${kind} (JSON form, WebAuthn Level 3).` },
    ),
  });
const registrationOptions = ceremonyOptions('PublicKeyCredentialCreationOptions');
const authenticationOptions = ceremonyOptions('PublicKeyCredentialRequestOptions');
const elevated = Type.Object({ elevatedForSeconds: Type.Integer() });

/**
 * WebAuthn registration for the signed-in user, usernameless sign-in with passkeys, and step-up
 * with a passkey for a session that needs a fresh strong authentication.
 */
export const passkeyRoutes: FastifyPluginAsyncTypebox<{
  ceremonies: CeremonyDependencies;
  notices: SecurityNotices;
}> = async (app, { ceremonies, notices }) => {
  const { passkeys, elevation, identity, completeSignIn } = ceremonies;
  const recent = requireRecentAuthentication(elevation);

  // A disabled user's requests already in flight get no challenge and register nothing; the
  // operator's disable deletes the challenges they already hold.
  const enabledUser = async (userId: string) => {
    const user = await identity.users.get({ userId });
    if (!user) throw new AuthError('unauthenticated');
    return user;
  };

  app.post(
    '/auth/passkeys/register/options',
    { preHandler: recent, schema: { response: { 200: registrationOptions } } },
    async (request, reply) => {
      const { userId } = callerOf(request);
      const user = await enabledUser(userId);
      reply.header('cache-control', 'no-store');
      return passkeys.registrationOptions({ userId, userName: user.email });
    },
  );

  app.post(
    '/auth/passkeys/register/verify',
    {
      config: { refusals: ['invalid_credentials', 'conflict'] },
      preHandler: recent,
      schema: { body: verifyBody, response: { 200: Type.Object({ credentialId: Type.String() }) } },
    },
    async (request) => {
      const { userId } = callerOf(request);
      await enabledUser(userId);
      const { flowId, response } = request.body;
      const result = await passkeys.verifyRegistration({
        userId,
        flowId,
        response: response as unknown as RegistrationResponseJSON,
      });
      await identity.audit.record({ type: 'mfa.enrolled', userId, ip: request.ip, detail: { method: 'passkey' } });
      await notices.notify({ userId, notice: 'passkey_added', log: request.log });
      return result;
    },
  );

  app.post(
    '/auth/passkeys/login/options',
    { config: { public: true }, schema: { response: { 200: authenticationOptions } } },
    async (_request, reply) => {
      reply.header('cache-control', 'no-store');
      return passkeys.authenticationOptions();
    },
  );

  app.post(
    '/auth/passkeys/login/verify',
    {
      config: { public: true, refusals: ['invalid_credentials'] },
      schema: { body: verifyBody, response: { 200: tokenPairSchema } },
    },
    async (request, reply) => {
      const { flowId, response } = request.body;
      const { userId, method } = await passkeys
        .verifyAuthentication({ flowId, response: response as unknown as AuthenticationResponseJSON })
        .catch((error: unknown) => {
          throw countedSignInFailure('passkey', error);
        });
      const tenantId = await defaultTenantOf(identity, userId);
      const amr = [method];
      const tokens = await completeSignIn({ request, reply, userId, tenantId, amr, acr: assuranceLevel(amr) });
      countSignInAttempt('passkey', 'success');
      await identity.audit.record({
        type: 'login.succeeded',
        userId,
        tenantId,
        ip: request.ip,
        detail: { method: 'passkey', sessionId: tokens.sessionId },
      });
      return tokens;
    },
  );

  app.post(
    '/auth/step-up/passkey/options',
    { config: { refusals: ['conflict'] }, schema: { response: { 200: authenticationOptions } } },
    async (request, reply) => {
      const { userId, sessionId } = sessionCallerOf(request);
      reply.header('cache-control', 'no-store');
      return passkeys.stepUpOptions({ userId, sessionId });
    },
  );

  app.post(
    '/auth/step-up/passkey/verify',
    {
      config: { refusals: ['invalid_credentials'] },
      schema: { body: verifyBody, response: { 200: elevated } },
    },
    async (request) => {
      const { userId, sessionId } = sessionCallerOf(request);
      const { flowId, response } = request.body;
      await passkeys.verifyStepUp({
        userId,
        sessionId,
        flowId,
        response: response as unknown as AuthenticationResponseJSON,
      });
      await elevation.grant({ sessionId, userId });
      await identity.audit.record({ type: 'mfa.stepped_up', userId, ip: request.ip, detail: { method: 'passkey' } });
      return { elevatedForSeconds: elevation.ttlSeconds };
    },
  );
};
