import { randomUUID } from 'node:crypto';
import { AuthError } from '@authscale/core';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { OrchestratorDependencies } from '../dependencies.ts';
import type { CeremonyDependencies } from '../mfa/ceremony-dependencies.ts';
import { requireRecentAuthentication } from '../mfa/require-recent-authentication.ts';
import { noContent } from '../openapi/answer-schemas.ts';
import { actingUser } from '../tenants/acting-user.ts';
import { requireOwner } from '../tenants/require-owner.ts';
import { tenantParams } from '../tenants/tenant-schemas.ts';
import { checkWebhookUrl } from './check-webhook-url.ts';
import {
  createWebhookBody,
  deliveriesQuery,
  maxWebhooksPerTenant,
  webhookDeliverySchema,
  webhookParams,
  webhookViewSchema,
  webhookWithSecretSchema,
} from './webhook-schemas.ts';
import { sealedWebhookSecret, type WebhookSecretBoxSettings } from './webhook-secret-box.ts';

export interface WebhookRouteSettings extends WebhookSecretBoxSettings {
  INSECURE_WEBHOOK_HTTP: boolean;
  WEBHOOK_SECRET_OVERLAP_SECONDS: number;
}

/**
 * Webhook endpoints under `/api/tenants/:tenantId/webhooks`, for the tenant's owners signed in
 * as themselves. The signing secret is in the creation and rotation answers only and is stored
 * sealed. An endpoint receives the tenant's own events (docs/events.md); creating one or
 * changing its secret sends the tenant's data somewhere new, so it needs a recent sign-in.
 */
export const webhookRoutes: FastifyPluginAsyncTypebox<{
  deps: OrchestratorDependencies;
  ceremonies: Pick<CeremonyDependencies, 'elevation'>;
  settings: WebhookRouteSettings;
}> = async (app, { deps, ceremonies, settings }) => {
  const sealed = sealedWebhookSecret(settings);

  app.get(
    '/api/tenants/:tenantId/webhooks',
    {
      config: { tenant: true },
      schema: { params: tenantParams, response: { 200: Type.Object({ webhooks: Type.Array(webhookViewSchema) }) } },
    },
    async (request) => {
      actingUser(request);
      requireOwner(request);
      return { webhooks: await request.withTenant((scope) => scope.webhooks.list()) };
    },
  );

  app.post(
    '/api/tenants/:tenantId/webhooks',
    {
      config: { tenant: true, refusals: ['conflict'] },
      preHandler: requireRecentAuthentication(ceremonies.elevation),
      schema: { params: tenantParams, body: createWebhookBody, response: { 201: webhookWithSecretSchema } },
    },
    async (request, reply) => {
      const actorId = actingUser(request);
      requireOwner(request);
      const url = checkWebhookUrl(request.body.url, { allowHttp: settings.INSECURE_WEBHOOK_HTTP });
      const id = randomUUID();
      const { secret, secretCiphertext } = sealed(id);
      const webhook = await request.withTenant(async (scope) => {
        if ((await scope.webhooks.list()).length >= maxWebhooksPerTenant) {
          throw new AuthError('conflict', `A tenant has at most ${maxWebhooksPerTenant} webhooks.`);
        }
        return scope.webhooks.create({
          id,
          url,
          eventTypes: request.body.eventTypes,
          secretCiphertext,
          createdBy: actorId,
        });
      });
      await deps.identity.audit.record({
        type: 'webhook.created',
        userId: actorId,
        tenantId: request.params.tenantId,
        ip: request.ip,
        detail: { webhookId: id, eventTypes: webhook.eventTypes.join(' ') },
      });
      reply.header('cache-control', 'no-store');
      return reply.status(201).send({ ...webhook, secret });
    },
  );

  app.post(
    '/api/tenants/:tenantId/webhooks/:webhookId/rotate-secret',
    {
      config: { tenant: true, refusals: ['not_found'] },
      preHandler: requireRecentAuthentication(ceremonies.elevation),
      schema: { params: webhookParams, response: { 200: webhookWithSecretSchema } },
    },
    async (request, reply) => {
      const actorId = actingUser(request);
      requireOwner(request);
      const { tenantId, webhookId } = request.params;
      const { secret, secretCiphertext } = sealed(webhookId);
      const webhook = await request.withTenant((scope) =>
        scope.webhooks.rotateSecret({
          endpointId: webhookId,
          secretCiphertext,
          overlapSeconds: settings.WEBHOOK_SECRET_OVERLAP_SECONDS,
        }),
      );
      if (!webhook) throw new AuthError('not_found', 'The tenant has no such webhook.');
      await deps.identity.audit.record({
        type: 'webhook.secret_rotated',
        userId: actorId,
        tenantId,
        ip: request.ip,
        detail: { webhookId },
      });
      reply.header('cache-control', 'no-store');
      return { ...webhook, secret };
    },
  );

  app.delete(
    '/api/tenants/:tenantId/webhooks/:webhookId',
    {
      config: { tenant: true, refusals: ['not_found'] },
      schema: { params: webhookParams, response: { 204: noContent } },
    },
    async (request, reply) => {
      const actorId = actingUser(request);
      requireOwner(request);
      const { tenantId, webhookId } = request.params;
      if (!(await request.withTenant((scope) => scope.webhooks.remove({ endpointId: webhookId })))) {
        throw new AuthError('not_found', 'The tenant has no such webhook.');
      }
      await deps.identity.audit.record({
        type: 'webhook.deleted',
        userId: actorId,
        tenantId,
        ip: request.ip,
        detail: { webhookId },
      });
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/tenants/:tenantId/webhooks/:webhookId/deliveries',
    {
      config: { tenant: true },
      schema: {
        params: webhookParams,
        querystring: deliveriesQuery,
        response: { 200: Type.Object({ deliveries: Type.Array(webhookDeliverySchema) }) },
      },
    },
    async (request) => {
      actingUser(request);
      requireOwner(request);
      const { state, limit = '50', before } = request.query;
      const deliveries = await request.withTenant((scope) =>
        scope.webhooks.deliveries({
          endpointId: request.params.webhookId,
          limit: Number(limit),
          ...(state ? { state } : {}),
          ...(before ? { before } : {}),
        }),
      );
      return { deliveries };
    },
  );
};
