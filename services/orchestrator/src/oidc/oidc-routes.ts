import { AuthError, cookieValue, countSignInAttempt } from '@authscale/core';
import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import { assuranceLevel } from '../mfa/assurance-level.ts';
import type { CeremonyDependencies } from '../mfa/ceremony-dependencies.ts';
import { defaultTenantOf } from '../mfa/default-tenant-of.ts';
import { requireRecentAuthentication } from '../mfa/require-recent-authentication.ts';
import { seeOther } from '../openapi/answer-schemas.ts';
import { countedSignInFailure } from '../sign-in/counted-sign-in-failure.ts';
import { oidcFlowCookie } from './oidc-flow-cookie.ts';

const providerParams = Type.Object({ provider: Type.String({ pattern: '^[a-z0-9-]{1,32}$' }) });

/** OpenID Connect sign-in. The flow id rides in a short-lived cookie (`oidcFlowCookie`). */
export const oidcRoutes: FastifyPluginAsyncTypebox<{ ceremonies: CeremonyDependencies; providers: string[] }> = async (
  app,
  { ceremonies, providers },
) => {
  const { oidc, totp, mfaChallenges, identity, completeSignIn, elevation, checkSignUp } = ceremonies;
  const flowCookie = oidcFlowCookie(app.sessionCookieSettings);

  app.get(
    '/auth/oidc/providers',
    { config: { public: true }, schema: { response: { 200: Type.Object({ providers: Type.Array(Type.String()) }) } } },
    async () => ({ providers }),
  );

  app.get(
    '/auth/oidc/:provider/start',
    {
      config: { public: true, refusals: ['not_found'] },
      schema: {
        params: providerParams,
        querystring: Type.Object({ return_to: Type.Optional(Type.String({ maxLength: 512 })) }),
        response: { 303: seeOther("To the provider's authorization endpoint, with the flow cookie set.") },
      },
    },
    async (request, reply) => {
      const { authorizationUrl, flowId, flowTtlSeconds } = await oidc.start({
        provider: request.params.provider,
        returnTo: request.query.return_to,
      });
      reply.header('set-cookie', flowCookie.set(flowId, flowTtlSeconds));
      reply.header('cache-control', 'no-store');
      return reply.redirect(authorizationUrl, 303);
    },
  );

  // Connecting a provider adds a way into the account: a sensitive action, behind step-up.
  app.post(
    '/auth/oidc/:provider/link',
    {
      config: { refusals: ['not_found'] },
      preHandler: requireRecentAuthentication(elevation),
      schema: {
        params: providerParams,
        querystring: Type.Object({ return_to: Type.Optional(Type.String({ maxLength: 512 })) }),
        response: { 200: Type.Object({ authorizationUrl: Type.String() }) },
      },
    },
    async (request, reply) => {
      const principal = request.principal as NonNullable<typeof request.principal>;
      if (principal.kind === 'api_key') throw new AuthError('forbidden');
      const { authorizationUrl, flowId, flowTtlSeconds } = await oidc.start({
        provider: request.params.provider,
        returnTo: request.query.return_to,
        linkToUserId: principal.userId,
      });
      reply.header('set-cookie', flowCookie.set(flowId, flowTtlSeconds));
      reply.header('cache-control', 'no-store');
      return { authorizationUrl };
    },
  );

  app.get(
    '/auth/oidc/:provider/callback',
    {
      config: {
        public: true,
        refusals: ['invalid_credentials', 'forbidden', 'signup_denied', 'not_found', 'conflict'],
      },
      schema: {
        description:
          "The provider's redirect back: the authorization response (`code`, `state`, `iss`, or `error`) in the query string.",
        params: providerParams,
        querystring: Type.Record(Type.String({ maxLength: 64 }), Type.String({ maxLength: 4096 }), {
          maxProperties: 16,
        }),
        response: {
          303: seeOther(
            'To the allowed return address, signed in (the session cookie is set), or with `#mfa_token=` when a second factor is due.',
          ),
        },
      },
    },
    async (request, reply) => {
      // The flow is spent whatever happens next, so the cookie goes too.
      reply.header('set-cookie', flowCookie.cleared);
      reply.header('cache-control', 'no-store');
      const { userId, outcome, returnTo, linking } = await oidc
        .complete({
          provider: request.params.provider,
          flowId: cookieValue(request.headers.cookie, flowCookie.name),
          query: request.query,
          beforeSignUp: (email) => checkSignUp({ email, method: 'oidc', ip: request.ip }, request.log),
        })
        .catch((error: unknown) => {
          throw countedSignInFailure('oidc', error);
        });
      if (linking) {
        // The user is signed in already: connect the provider, start no new session.
        if (outcome === 'linked') {
          await identity.audit.record({
            type: 'oidc.linked',
            userId,
            ip: request.ip,
            detail: { provider: request.params.provider },
          });
        }
        return reply.redirect(returnTo, 303);
      }
      const tenantId = await defaultTenantOf(identity, userId);
      if (await totp.isEnrolled({ userId })) {
        const mfaToken = await mfaChallenges.issue({ userId, tenantId, firstFactor: 'fed' });
        countSignInAttempt('oidc', 'mfa_required');
        return reply.redirect(`${returnTo}#mfa_token=${encodeURIComponent(mfaToken)}`, 303);
      }
      const amr = ['fed'];
      const tokens = await completeSignIn({ request, reply, userId, tenantId, amr, acr: assuranceLevel(amr) });
      countSignInAttempt('oidc', 'success');
      await identity.audit.record({
        type: 'login.succeeded',
        userId,
        tenantId,
        ip: request.ip,
        detail: { method: 'oidc', outcome, sessionId: tokens.sessionId },
      });
      return reply.redirect(returnTo, 303);
    },
  );
};
