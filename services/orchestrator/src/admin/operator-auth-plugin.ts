import { AuthError } from '@authscale/core';
import type { Identity } from '@authscale/identity';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Operator, OperatorKeyStore } from './create-operator-key-store.ts';
import { type OperatorScope, operatorScopes } from './operator-scopes.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The scope an operator key needs here. Every admin route names one, or the API does not start. */
    operatorScope?: OperatorScope;
  }
  interface FastifyRequest {
    /** The key's holder, once `Authorization: Bearer aso_...` checked out. */
    operator?: Operator;
  }
}

function bearerOf(request: FastifyRequest): string {
  const authorization = request.headers.authorization ?? '';
  const space = authorization.indexOf(' ');
  return space > 0 && authorization.slice(0, space).toLowerCase() === 'bearer' ? authorization.slice(space + 1) : '';
}

/** The operator of a request the plugin let through. */
export function operatorOf(request: FastifyRequest): Operator {
  if (!request.operator) throw new AuthError('unauthenticated');
  return request.operator;
}

/**
 * The ids a route's path names. The user goes into the detail, not the row's `user_id`: the row
 * is the operator's act, with the operator's address, and erasing that user must not erase it.
 */
function subjectOf(request: FastifyRequest): { tenantId?: string; detail: Record<string, string> } {
  const params = (request.params ?? {}) as Record<string, string | undefined>;
  return {
    ...(params.tenantId ? { tenantId: params.tenantId } : {}),
    detail: params.userId ? { subjectUserId: params.userId } : {},
  };
}

/**
 * Operator authentication for the admin API: a key (`aso_...`) in `Authorization: Bearer`, checked
 * on every request, and the route's scope. Closed by default: a route that is neither public nor
 * scoped refuses to register. Every request an operator makes is audited as its answer is sent, the
 * refused ones too, with the key's id and holder, the route and the status; a request with no
 * valid key has no operator to record and is only logged.
 */
export const operatorAuthPlugin = fp<{ keys: OperatorKeyStore; identity: Pick<Identity, 'audit'> }>(
  async (app: FastifyInstance, { keys, identity }) => {
    app.addHook('onRoute', (route) => {
      const scope = route.config?.operatorScope;
      if (route.config?.public) return;
      if (scope === undefined || !operatorScopes.includes(scope)) {
        throw new TypeError(`admin api: ${route.method} ${route.url} names no known operatorScope`);
      }
    });
    app.addHook('onRequest', async (request) => {
      if (request.routeOptions.config.public) return;
      const operator = await keys.verify(bearerOf(request));
      if (!operator) throw new AuthError('unauthenticated');
      request.operator = operator;
      const needed = request.routeOptions.config.operatorScope as OperatorScope;
      if (!operator.scopes.includes(needed)) throw new AuthError('forbidden', `The key lacks the ${needed} scope.`);
    });
    // Before the answer leaves, so an operator who saw it answered finds it in the trail.
    app.addHook('onSend', async (request, reply, payload) => {
      const operator = request.operator;
      if (!operator) return payload;
      try {
        const { tenantId, detail } = subjectOf(request);
        await identity.audit.record({
          type: 'admin.request',
          ...(tenantId ? { tenantId } : {}),
          ip: request.ip,
          detail: {
            ...detail,
            operatorKeyId: operator.keyId,
            operator: operator.name,
            method: request.method,
            route: request.routeOptions.url ?? '',
            status: reply.statusCode,
          },
        });
      } catch (error) {
        // The answer is gone already; the failure must still reach whoever watches the logs.
        request.log.error({ err: error, operatorKeyId: operator.keyId }, 'admin request not audited');
      }
      return payload;
    });
  },
  { name: 'authscale-operator-auth', fastify: '5.x' },
);
