import {
  AuthError,
  createdSessionSchema,
  createSessionInputSchema,
  freshQuerySchema,
  revokedCountSchema,
  type Service,
  sessionFootprintSchema,
  sessionListSchema,
  sessionParamsSchema,
  sessionReplySchema,
  userParamsSchema,
  validateSessionInputSchema,
} from '@authscale/core';
import type { Sessions } from '../store/create-sessions.ts';

/** The session replicas' internal API (docs/architecture.md); its schemas are core's, shared with the session client. */
export async function internalSessionRoutes(app: Service, { sessions }: { sessions: Sessions }) {
  app.post(
    '/internal/sessions',
    { schema: { body: createSessionInputSchema, response: { 201: createdSessionSchema } } },
    async (request, reply) => reply.status(201).send(await sessions.create(request.body)),
  );

  app.post(
    '/internal/sessions/validate',
    { schema: { body: validateSessionInputSchema, response: { 200: sessionReplySchema } } },
    async (request) => {
      const session = await sessions.validate(request.body.token, { fresh: request.body.fresh === true });
      if (!session) throw new AuthError('unauthenticated');
      return { session };
    },
  );

  app.post(
    '/internal/users/:userId/sessions/:sid/touch',
    { schema: { params: sessionParamsSchema, querystring: freshQuerySchema, response: { 200: sessionReplySchema } } },
    async (request) => {
      const { userId, sid } = request.params;
      const session = await sessions.touch(userId, sid, { fresh: request.query.fresh === 'true' });
      if (!session) throw new AuthError('not_found');
      return { session };
    },
  );

  app.get(
    '/internal/users/:userId/sessions/:sid',
    { schema: { params: sessionParamsSchema, response: { 200: sessionReplySchema } } },
    async (request) => {
      const session = await sessions.get(request.params.userId, request.params.sid);
      if (!session) throw new AuthError('not_found');
      return { session };
    },
  );

  app.get(
    '/internal/users/:userId/sessions',
    { schema: { params: userParamsSchema, response: { 200: sessionListSchema } } },
    async (request) => ({ sessions: await sessions.list(request.params.userId) }),
  );

  app.delete(
    '/internal/users/:userId/sessions/:sid',
    { schema: { params: sessionParamsSchema } },
    async (request, reply) => {
      await sessions.revoke(request.params.userId, request.params.sid);
      return reply.status(204).send();
    },
  );

  app.delete(
    '/internal/users/:userId/sessions',
    { schema: { params: userParamsSchema, response: { 200: revokedCountSchema } } },
    async (request) => ({ revoked: await sessions.revokeAll(request.params.userId) }),
  );

  app.delete(
    '/internal/users/:userId',
    { schema: { params: userParamsSchema, response: { 200: revokedCountSchema } } },
    async (request) => ({ revoked: await sessions.purgeUser(request.params.userId) }),
  );

  app.get(
    '/internal/users/:userId/footprint',
    { schema: { params: userParamsSchema, response: { 200: sessionFootprintSchema } } },
    async (request) => sessions.footprint(request.params.userId),
  );

  app.post('/internal/users/:userId/invalidate', { schema: { params: userParamsSchema } }, async (request, reply) => {
    await sessions.invalidateUser(request.params.userId);
    return reply.status(204).send();
  });
}
