import { AuthError, mailLinkPaths, normalizeEmail } from '@authscale/core';
import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { OrchestratorConfig } from '../config.ts';
import type { OrchestratorDependencies } from '../dependencies.ts';
import { linkRequestedSchema } from '../email-verification/email-verification-schemas.ts';
import { loginAccountKey } from '../login-throttle/create-login-throttle.ts';
import type { DeviceCookies } from '../login-throttle/device-cookies.ts';
import { mailLink } from '../mail/mail-link.ts';
import { newLinkToken } from '../mail/new-link-token.ts';
import type { CeremonyDependencies } from '../mfa/ceremony-dependencies.ts';
import { mfaRequiredSchema, tokenPairSchema } from '../sign-in/sign-in-schemas.ts';
import { emailCodeFlow, emailCodeLinkFlow } from './email-code-flows.ts';
import { emailCodeHash } from './email-code-hash.ts';
import { emailCodeRequestBody, emailCodeSettingsSchema, emailCodeVerifyBody } from './email-code-schemas.ts';
import { matchesEmailCodeHash } from './matches-email-code-hash.ts';
import { emailCodeDigits, newEmailCode } from './new-email-code.ts';
import { type EmailSignInMethod, refuseEmailSignIn } from './refuse-email-sign-in.ts';
import { signInByEmail } from './sign-in-by-email.ts';

type EmailCodeSettings = Pick<
  OrchestratorConfig,
  'PUBLIC_ORIGIN' | 'EMAIL_CODE_SIGN_IN' | 'EMAIL_CODE_LIFETIME_SECONDS' | 'EMAIL_CODE_MAX_ATTEMPTS'
>;

/**
 * Sign-in by a one-time code or link mailed to the account's verified address, when the
 * deployment turns it on (`EMAIL_CODE_SIGN_IN`).
 *
 * `POST /auth/email-code/request` answers the same 202 for any address after the same database
 * work, and mails only an enabled account whose address was verified. The code and the link's
 * token are stored as hashes in one record per account, which the next request replaces; either
 * one spends it. `POST /auth/email-code/verify` counts each attempt with a code in the password
 * sign-in throttle (account, client network, device cookie) before looking at it, and a code
 * survives `EMAIL_CODE_MAX_ATTEMPTS` wrong guesses. A right code or link then signs in as a
 * password does: a TOTP challenge when the account has TOTP, otherwise the session and tokens.
 */
export const emailCodeRoutes: FastifyPluginAsyncTypebox<{
  deps: OrchestratorDependencies;
  ceremonies: Pick<CeremonyDependencies, 'totp' | 'mfaChallenges' | 'completeSignIn'>;
  deviceCookies: DeviceCookies;
  settings: EmailCodeSettings;
}> = async (app, { deps, ceremonies, deviceCookies, settings }) => {
  // Encapsulated: the check runs for these routes only.
  app.addHook('onRequest', async () => {
    if (!settings.EMAIL_CODE_SIGN_IN) {
      throw new AuthError('not_found', 'Sign-in by email code is not enabled on this deployment.');
    }
  });
  const refusals = ['not_found'] as const;

  app.get(
    '/auth/email-code',
    {
      config: { public: true, refusals: [...refusals] },
      schema: {
        description:
          'Whether this deployment signs in by email code: 200 when it does, 404 `not_found` when it does not.',
        response: { 200: emailCodeSettingsSchema },
      },
    },
    async () => ({
      enabled: true as const,
      codeDigits: emailCodeDigits,
      lifetimeSeconds: settings.EMAIL_CODE_LIFETIME_SECONDS,
    }),
  );

  app.post(
    '/auth/email-code/request',
    {
      config: { public: true, refusals: [...refusals] },
      schema: { body: emailCodeRequestBody, response: { 202: linkRequestedSchema } },
    },
    async (request, reply) => {
      const email = normalizeEmail(request.body.email);
      const account = loginAccountKey(email);
      const token = newLinkToken();
      const user = await deps.identity.users.findVerified({ email });
      if (user) {
        const code = newEmailCode();
        const lifetimeSeconds = settings.EMAIL_CODE_LIFETIME_SECONDS;
        await deps.identity.flows.put({
          kind: emailCodeFlow,
          id: account,
          payload: {
            userId: user.id,
            email: user.email,
            codeHash: emailCodeHash({ account, secret: code }),
            tokenHash: emailCodeHash({ account, secret: token }),
            attempts: 0,
          },
          ttlSeconds: lifetimeSeconds,
        });
        await deps.identity.flows.replaceForUser({
          kind: emailCodeLinkFlow,
          id: token,
          userId: user.id,
          payload: { email: user.email },
          ttlSeconds: lifetimeSeconds,
        });
        const link = mailLink({ publicOrigin: settings.PUBLIC_ORIGIN, path: mailLinkPaths.emailCodeSignIn, token });
        deps.mail.send(
          { to: user.email, template: { kind: 'email_code', email: user.email, code, link, lifetimeSeconds } },
          request.log,
        );
        await deps.identity.audit.record({ type: 'login.email_code_sent', userId: user.id, ip: request.ip });
      } else {
        // The same round trips as above: two writes that match nothing, then the audit row.
        await deps.identity.flows.take({ kind: emailCodeFlow, id: token });
        await deps.identity.flows.take({ kind: emailCodeLinkFlow, id: token });
        await deps.identity.audit.record({ type: 'login.email_code_sent', ip: request.ip, detail: { known: false } });
      }
      return reply.status(202).header('cache-control', 'no-store').send({ accepted: true });
    },
  );

  /** The account's pending code, spent, if it is still the one `matches` accepts. */
  async function spend(account: string, matches: (payload: Record<string, unknown>) => boolean) {
    const payload = await deps.identity.flows.take({ kind: emailCodeFlow, id: account });
    return payload && matches(payload) ? payload : null;
  }
  const refuse = (request: FastifyRequest, method: EmailSignInMethod, userId?: string) =>
    refuseEmailSignIn({ deps, request, method, userId });
  const signIn = (
    request: FastifyRequest,
    reply: FastifyReply,
    pending: Record<string, unknown>,
    method: EmailSignInMethod,
  ) => signInByEmail({ deps, ceremonies, deviceCookies, request, reply, pending, method });

  app.post(
    '/auth/email-code/verify',
    {
      config: { public: true, refusals: [...refusals, 'invalid_credentials'] },
      schema: {
        body: emailCodeVerifyBody,
        response: { 200: Type.Union([tokenPairSchema, mfaRequiredSchema]) },
      },
    },
    async (request, reply) => {
      const { body } = request;
      if ('token' in body) {
        // 256 random bits: guessing is hopeless, and the edge limits tries per token and address.
        const link = await deps.identity.flows.take({ kind: emailCodeLinkFlow, id: body.token });
        const email = typeof link?.email === 'string' ? link.email : null;
        if (!email) return refuse(request, 'email_link');
        const account = loginAccountKey(email);
        const tokenHash = emailCodeHash({ account, secret: body.token });
        const pending = await spend(account, (payload) => matchesEmailCodeHash(payload.tokenHash, tokenHash));
        return pending ? signIn(request, reply, pending, 'email_link') : refuse(request, 'email_link');
      }
      const account = loginAccountKey(body.email);
      const attempt = {
        email: body.email,
        ip: request.ip,
        device: deviceCookies.deviceIn(request.headers.cookie, account),
      };
      // Counted before the code is looked at, in the same buckets as passwords.
      const gate = await deps.loginThrottle.attempt(attempt);
      if (!gate.allowed) throw new AuthError('rate_limited', undefined, { retryAfterSeconds: gate.retryAfterSeconds });
      const codeHash = emailCodeHash({ account, secret: body.code });
      const current = await deps.identity.flows.get({ kind: emailCodeFlow, id: account });
      if (!current || !matchesEmailCodeHash(current.codeHash, codeHash)) {
        if (current) {
          await deps.identity.flows.countFailure({
            kind: emailCodeFlow,
            id: account,
            maxAttempts: settings.EMAIL_CODE_MAX_ATTEMPTS,
          });
        }
        return refuse(request, 'email_code', typeof current?.userId === 'string' ? current.userId : undefined);
      }
      // Of two right answers at once, only the one that deletes the record signs in.
      const pending = await spend(account, (payload) => matchesEmailCodeHash(payload.codeHash, codeHash));
      return pending ? signIn(request, reply, pending, 'email_code') : refuse(request, 'email_code');
    },
  );
};
