import { AuthError, type Service } from '@authscale/core';
import { Type } from 'typebox';
import type { Sessions } from '../store/create-sessions.ts';
import { CreateSessionBody, FreshQuery, Session, SessionParams, UserParams, ValidateBody } from './session-schemas.ts';

/** The session replicas' internal API (docs/architecture.md). */
export async function internalSessionRoutes(app: Service, { sessions }: { sessions: Sessions }) {
  app.post(
    '/internal/sessions',
    { schema: { body: CreateSessionBody, response: { 201: Type.Object({ token: Type.String(), session: Session }) } } },
    async (request, reply) => reply.status(201).send(await sessions.create(request.body)),
  );

  app.post(
    '/internal/sessions/validate',
    { schema: { body: ValidateBody, response: { 200: Type.Object({ session: Session }) } } },
    async (request) => {
      const session = await sessions.validate(request.body.token, { fresh: request.body.fresh === true });
      if (!session) throw new AuthError('unauthenticated');
      return { session };
    },
  );

  app.post(
    '/internal/users/:userId/sessions/:sid/touch',
    {
      schema: { params: SessionParams, querystring: FreshQuery, response: { 200: Type.Object({ session: Session }) } },
    },
    async (request) => {
      const { userId, sid } = request.params;
      const session = await sessions.touch(userId, sid, { fresh: request.query.fresh === true });
      if (!session) throw new AuthError('not_found');
      return { session };
    },
  );

  app.get(
    '/internal/users/:userId/sessions/:sid',
    { schema: { params: SessionParams, response: { 200: Type.Object({ session: Session }) } } },
    async (request) => {
      const session = await sessions.get(request.params.userId, request.params.sid);
      if (!session) throw new AuthError('not_found');
      return { session };
    },
  );

  app.get(
    '/internal/users/:userId/sessions',
    { schema: { params: UserParams, response: { 200: Type.Object({ sessions: Type.Array(Session) }) } } },
    async (request) => ({ sessions: await sessions.list(request.params.userId) }),
  );

  app.delete('/internal/users/:userId/sessions/:sid', { schema: { params: SessionParams } }, async (request, reply) => {
    await sessions.revoke(request.params.userId, request.params.sid);
    return reply.status(204).send();
  });

  app.delete(
    '/internal/users/:userId/sessions',
    { schema: { params: UserParams, response: { 200: Type.Object({ revoked: Type.Integer() }) } } },
    async (request) => ({ revoked: await sessions.revokeAll(request.params.userId) }),
  );

  app.post('/internal/users/:userId/invalidate', { schema: { params: UserParams } }, async (request, reply) => {
    await sessions.invalidateUser(request.params.userId);
    return reply.status(204).send();
  });
}
