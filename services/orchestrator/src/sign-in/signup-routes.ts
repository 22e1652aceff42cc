import { randomUUID } from 'node:crypto';
import { AuthError, normalizeEmail } from '@authscale/core';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { refuseLookAlikeEmail } from '../account/refuse-look-alike-email.ts';
import type { OrchestratorConfig } from '../config.ts';
import type { OrchestratorDependencies } from '../dependencies.ts';
import { emailVerificationFlow, sendEmailVerification } from '../email-verification/send-email-verification.ts';
import type { CheckSignUp } from '../hooks/before-sign-up-hook.ts';
import { newLinkToken } from '../mail/new-link-token.ts';
import { hashPassword } from '../passwords/password-hashing.ts';
import { meetsPasswordPolicy } from '../passwords/password-policy.ts';
import { weakPasswordErrors } from '../passwords/weak-password-errors.ts';
import { signupBody } from './sign-in-schemas.ts';

/**
 * `POST /auth/signup`: a user, their personal tenant (owner) and a password credential.
 *
 * An email already in use gets the same 201 with fresh random ids that exist nowhere, after the
 * same Argon2 work, so the answer does not reveal which emails have accounts. The attempt is
 * audited against the existing user. A new account is mailed a link to verify its address; the
 * existing-email path does a write of the same cost instead, and neither waits for the mail.
 * The before-sign-up hook is asked first, for every well-formed attempt, so its refusal is the same
 * whether or not the address has an account.
 */
export const signupRoutes: FastifyPluginAsyncTypebox<{
  deps: OrchestratorDependencies;
  settings: Pick<OrchestratorConfig, 'PUBLIC_ORIGIN' | 'EMAIL_VERIFICATION_LIFETIME_SECONDS'>;
  checkSignUp: CheckSignUp;
}> = async (app, { deps, settings, checkSignUp }) => {
  app.post(
    '/auth/signup',
    {
      config: { public: true, refusals: ['weak_password', 'signup_denied'] },
      schemaErrorFormatter: weakPasswordErrors('password'),
      schema: {
        body: signupBody,
        response: { 201: Type.Object({ userId: Type.String(), tenantId: Type.String() }) },
      },
    },
    async (request, reply) => {
      const { email, password } = request.body;
      refuseLookAlikeEmail(email);
      if (!meetsPasswordPolicy(password)) throw new AuthError('weak_password');
      await checkSignUp({ email: normalizeEmail(email), method: 'password', ip: request.ip }, request.log);
      const passwordHash = await hashPassword(password);
      const result = await deps.identity.users.signUpWithPassword({ email, passwordHash });
      reply.status(201).header('cache-control', 'no-store');
      if (result.created) {
        await deps.identity.audit.record({
          type: 'signup',
          userId: result.userId,
          tenantId: result.tenantId,
          ip: request.ip,
        });
        await sendEmailVerification({
          deps,
          settings,
          user: { id: result.userId, email: normalizeEmail(email) },
          log: request.log,
          ip: request.ip,
        });
        return { userId: result.userId, tenantId: result.tenantId };
      }
      await deps.identity.flows.take({ kind: emailVerificationFlow, id: newLinkToken() });
      await deps.identity.audit.record({ type: 'signup.existing_email', userId: result.userId, ip: request.ip });
      return { userId: randomUUID(), tenantId: randomUUID() };
    },
  );
};
