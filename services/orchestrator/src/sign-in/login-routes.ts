import { AuthError, countRateLimitRefusal, countSignInAttempt } from '@authscale/core';
import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import type { OrchestratorDependencies } from '../dependencies.ts';
import { loginAccountKey } from '../login-throttle/create-login-throttle.ts';
import type { DeviceCookies } from '../login-throttle/device-cookies.ts';
import type { CeremonyDependencies } from '../mfa/ceremony-dependencies.ts';
import { needsRehash } from '../passwords/needs-rehash.ts';
import { hashPassword } from '../passwords/password-hashing.ts';
import { verifyPassword } from '../passwords/verify-password.ts';
import { finishFirstFactor } from './finish-first-factor.ts';
import { credentialsBody, mfaRequiredSchema, tokenPairSchema } from './sign-in-schemas.ts';

/**
 * `POST /auth/login` with email and password. Unknown email and wrong password take the same
 * path (a full Argon2 verification against a dummy hash) and give the same 401. Each attempt is
 * counted first, against the account and this client, or against this device when it signed in to
 * the account before (per-IP limits are the edge's). A correct password earns a device cookie.
 */
export const loginRoutes: FastifyPluginAsyncTypebox<{
  deps: OrchestratorDependencies;
  ceremonies: Pick<CeremonyDependencies, 'totp' | 'mfaChallenges' | 'completeSignIn'>;
  deviceCookies: DeviceCookies;
}> = async (app, { deps, ceremonies, deviceCookies }) => {
  // Computes the dummy hash now, so the first unknown-email login costs no more than any other.
  await verifyPassword({ password: '', passwordHash: null });
  app.post(
    '/auth/login',
    {
      config: { public: true, refusals: ['invalid_credentials'] },
      schema: { body: credentialsBody, response: { 200: Type.Union([tokenPairSchema, mfaRequiredSchema]) } },
    },
    async (request, reply) => {
      const { email, password } = request.body;
      const account = loginAccountKey(email);
      const attempt = { email, ip: request.ip, device: deviceCookies.deviceIn(request.headers.cookie, account) };
      const gate = await deps.loginThrottle.attempt(attempt);
      if (!gate.allowed) {
        countRateLimitRefusal('login_throttle');
        throw new AuthError('rate_limited', undefined, { retryAfterSeconds: gate.retryAfterSeconds });
      }
      const login = await deps.identity.users.findPasswordLogin({ email });
      const valid = await verifyPassword({ password, passwordHash: login?.passwordHash ?? null });
      const tenantId = valid && login ? await deps.identity.memberships.defaultTenant({ userId: login.userId }) : null;
      if (!login || !valid || !tenantId) {
        await deps.identity.audit.record({
          type: 'login.failed',
          ip: request.ip,
          ...(login ? { userId: login.userId } : {}),
        });
        countSignInAttempt('password', 'failure');
        throw new AuthError('invalid_credentials');
      }
      await deps.loginThrottle.succeeded(attempt);
      // After the session cookie, where there is one: clients that read the first cookie keep working.
      const earnDevice = () => {
        const setCookie = deviceCookies.earned(request.headers.cookie, account);
        if (setCookie) reply.header('set-cookie', setCookie);
      };
      // The only moment the plain password is at hand: upgrade hashes made with older parameters.
      if (needsRehash(login.passwordHash)) {
        await deps.identity.users.updatePasswordHash({
          userId: login.userId,
          passwordHash: await hashPassword(password),
        });
      }
      // An enrolled second factor turns the answer into a challenge; no session exists yet.
      const answer = await finishFirstFactor({
        ceremonies,
        request,
        reply,
        userId: login.userId,
        tenantId,
        firstFactor: 'pwd',
      });
      earnDevice();
      countSignInAttempt('password', 'mfaRequired' in answer ? 'mfa_required' : 'success');
      if ('mfaRequired' in answer) return answer;
      await deps.identity.audit.record({
        type: 'login.succeeded',
        userId: login.userId,
        tenantId,
        ip: request.ip,
        detail: { sessionId: answer.sessionId },
      });
      return answer;
    },
  );
};
