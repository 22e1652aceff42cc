import { randomBytes } from 'node:crypto';
import { AuthError, normalizeEmail } from '@authscale/core';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { sendPasswordLink } from '../password-reset/send-password-link.ts';
import { hashPassword } from '../passwords/password-hashing.ts';
import { endEverySignIn } from '../sessions/end-every-sign-in.ts';
import type { AdminApiDependencies } from './admin-dependencies.ts';
import {
  erasureReportSchema,
  pageLimit,
  reasonBody,
  userDetailSchema,
  userPageSchema,
  userParams,
} from './admin-schemas.ts';
import { eraseUser } from './erase-user.ts';
import { operatorOf } from './operator-auth-plugin.ts';

export interface AdminUserRouteSettings {
  PUBLIC_ORIGIN: string;
  PASSWORD_RESET_LIFETIME_SECONDS: number;
  ADMIN_INVITATION_LIFETIME_SECONDS: number;
}

/**
 * A password nobody knows: an account an operator creates, or whose password they force a reset
 * of, keeps a credential that checks out for no one and costs a normal Argon2 check, so a
 * sign-in attempt learns nothing, and the mailed link replaces it like any reset.
 */
const unusablePasswordHash = () => hashPassword(randomBytes(32).toString('base64url'));

/**
 * `/admin/users`: the support desk's view of accounts and the actions on them. Each acts through
 * the same identity code and session stores as the public routes, so an operator's change is seen
 * exactly as a user's own would be.
 */
export const adminUserRoutes: FastifyPluginAsyncTypebox<{
  deps: AdminApiDependencies;
  settings: AdminUserRouteSettings;
}> = async (app, { deps, settings }) => {
  const userOrNotFound = async (userId: string) => {
    const user = await deps.identity.operators.describeUser({ userId });
    if (!user) throw new AuthError('not_found', 'No user has that id.');
    return user;
  };

  app.get(
    '/admin/users',
    {
      config: { operatorScope: 'users:read' },
      schema: {
        querystring: Type.Object(
          {
            email: Type.Optional(Type.String({ maxLength: 254, description: 'Addresses that start with this.' })),
            id: Type.Optional(Type.String({ format: 'uuid' })),
            after: Type.Optional(Type.String({ maxLength: 254, description: 'The `next` of the previous page.' })),
            limit: pageLimit,
          },
          { additionalProperties: false },
        ),
        response: { 200: userPageSchema },
      },
    },
    async (request) => {
      const { email, id, after, limit = '50' } = request.query;
      const users = await deps.identity.operators.searchUsers({
        emailPrefix: email?.trim().toLowerCase() ?? '',
        ...(id ? { userId: id } : {}),
        ...(after ? { after } : {}),
        limit: Number(limit),
      });
      return { users, next: users.length === Number(limit) ? (users.at(-1)?.email ?? null) : null };
    },
  );

  app.get(
    '/admin/users/:userId',
    {
      config: { operatorScope: 'users:read', refusals: ['not_found'] },
      schema: { params: userParams, response: { 200: userDetailSchema } },
    },
    async (request) => {
      const user = await userOrNotFound(request.params.userId);
      return { ...user, sessions: (await deps.sessions.list(user.id)).length };
    },
  );

  app.post(
    '/admin/users',
    {
      config: { operatorScope: 'users:write', refusals: ['conflict'] },
      schema: {
        body: Type.Object(
          {
            email: Type.String({ format: 'email', maxLength: 254 }),
            emailVerified: Type.Optional(Type.Boolean({ description: 'Vouch for the address. Default false.' })),
            invite: Type.Optional(
              Type.Boolean({ description: 'Mail a link that sets the first password. Default false.' }),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({ userId: Type.String(), tenantId: Type.String(), invited: Type.Boolean() }),
        },
      },
    },
    async (request, reply) => {
      const email = normalizeEmail(request.body.email);
      const created = await deps.identity.operators.createUser({
        email,
        passwordHash: await unusablePasswordHash(),
        emailVerified: request.body.emailVerified ?? false,
      });
      if (!created.created) throw new AuthError('conflict', 'An account has that address, or one that looks like it.');
      const invited = request.body.invite ?? false;
      if (invited) {
        await sendPasswordLink(deps, {
          user: { id: created.userId, email },
          kind: 'account_created',
          lifetimeSeconds: settings.ADMIN_INVITATION_LIFETIME_SECONDS,
          publicOrigin: settings.PUBLIC_ORIGIN,
          log: request.log,
        });
      }
      return reply.status(201).send({ userId: created.userId, tenantId: created.tenantId, invited });
    },
  );

  for (const disabled of [true, false]) {
    app.post(
      `/admin/users/:userId/${disabled ? 'disable' : 'enable'}`,
      {
        config: { operatorScope: 'users:write', refusals: ['not_found'] },
        schema: {
          params: userParams,
          ...(disabled ? { body: reasonBody } : {}),
          response: {
            200: Type.Object({
              userId: Type.String(),
              disabled: Type.Boolean(),
              changed: Type.Boolean({ description: 'False when the account was already so.' }),
              sessionsRevoked: Type.Integer(),
            }),
          },
        },
      },
      async (request) => {
        const { userId } = request.params;
        const reason = (request.body as { reason?: string } | undefined)?.reason;
        const outcome = await deps.identity.operators.setDisabled({
          userId,
          disabled,
          operator: operatorOf(request),
          ...(reason ? { reason } : {}),
        });
        if (!outcome) throw new AuthError('not_found', 'No user has that id.');
        // Also when it was disabled already: a repeat finishes a run whose sign-out step failed.
        const sessionsRevoked = disabled ? await endEverySignIn(deps, { userId }) : 0;
        return { userId, disabled, changed: outcome.changed, sessionsRevoked };
      },
    );
  }

  app.post(
    '/admin/users/:userId/sessions/revoke',
    {
      config: { operatorScope: 'users:write', refusals: ['not_found'] },
      schema: { params: userParams, response: { 200: Type.Object({ sessionsRevoked: Type.Integer() }) } },
    },
    async (request) => {
      const user = await userOrNotFound(request.params.userId);
      return { sessionsRevoked: await endEverySignIn(deps, { userId: user.id }) };
    },
  );

  app.post(
    '/admin/users/:userId/mfa/reset',
    {
      config: { operatorScope: 'users:write', refusals: ['not_found'] },
      schema: {
        params: userParams,
        response: { 200: Type.Object({ passkeysRemoved: Type.Integer(), totpRemoved: Type.Boolean() }) },
      },
    },
    async (request) => {
      const user = await userOrNotFound(request.params.userId);
      const removed = await deps.identity.operators.resetMfa({ userId: user.id });
      return { passkeysRemoved: removed.passkeys, totpRemoved: removed.totp };
    },
  );

  app.post(
    '/admin/users/:userId/password/reset',
    {
      config: { operatorScope: 'users:write', refusals: ['not_found', 'conflict'] },
      schema: {
        params: userParams,
        response: { 200: Type.Object({ sessionsRevoked: Type.Integer(), mailed: Type.Literal(true) }) },
      },
    },
    async (request) => {
      const user = await userOrNotFound(request.params.userId);
      if (!user.factors.password) throw new AuthError('conflict', 'The account signs in without a password.');
      if (user.disabled) throw new AuthError('conflict', 'The account is disabled; enable it first.');
      // The old password stops working before anyone is told, and whoever held it is signed out.
      await deps.identity.users.updatePasswordHash({ userId: user.id, passwordHash: await unusablePasswordHash() });
      const sessionsRevoked = await endEverySignIn(deps, { userId: user.id });
      await sendPasswordLink(deps, {
        user,
        kind: 'reset_password',
        lifetimeSeconds: settings.PASSWORD_RESET_LIFETIME_SECONDS,
        publicOrigin: settings.PUBLIC_ORIGIN,
        log: request.log,
      });
      return { sessionsRevoked, mailed: true as const };
    },
  );

  app.post(
    '/admin/users/:userId/erase',
    {
      config: { operatorScope: 'users:erase', refusals: ['not_found', 'conflict'] },
      schema: { params: userParams, body: reasonBody, response: { 200: erasureReportSchema } },
    },
    async (request) =>
      eraseUser(deps, {
        userId: request.params.userId,
        operator: { id: operatorOf(request).keyId },
        reason: request.body.reason,
      }),
  );
};
