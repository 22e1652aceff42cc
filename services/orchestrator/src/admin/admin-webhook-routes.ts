import { randomUUID } from 'node:crypto';
import { AuthError } from '@authscale/core';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { noContent } from '../openapi/answer-schemas.ts';
import { checkWebhookUrl } from '../webhooks/check-webhook-url.ts';
import type { WebhookRouteSettings } from '../webhooks/webhook-routes.ts';
import {
  createWebhookBody,
  deliveriesQuery,
  maxWebhooksPerTenant,
  webhookDeliverySchema,
  webhookViewSchema,
  webhookWithSecretSchema,
} from '../webhooks/webhook-schemas.ts';
import { sealedWebhookSecret } from '../webhooks/webhook-secret-box.ts';
import type { AdminApiDependencies } from './admin-dependencies.ts';

const platformWebhookParams = Type.Object({ webhookId: Type.String({ format: 'uuid' }) });

/**
 * `/admin/webhooks`: platform-wide endpoints, which receive the events of every tenant
 * (docs/events.md). The same bodies, answers and limits as a tenant's own endpoints.
 */
export const adminWebhookRoutes: FastifyPluginAsyncTypebox<{
  deps: AdminApiDependencies;
  settings: WebhookRouteSettings;
}> = async (app, { deps, settings }) => {
  const sealed = sealedWebhookSecret(settings);
  const notFound = () => new AuthError('not_found', 'There is no such platform webhook.');

  app.get(
    '/admin/webhooks',
    {
      config: { operatorScope: 'webhooks:write' },
      schema: { response: { 200: Type.Object({ webhooks: Type.Array(webhookViewSchema) }) } },
    },
    async () => ({ webhooks: await deps.identity.operators.platformWebhooks((webhooks) => webhooks.list()) }),
  );

  app.post(
    '/admin/webhooks',
    {
      config: { operatorScope: 'webhooks:write', refusals: ['conflict'] },
      schema: { body: createWebhookBody, response: { 201: webhookWithSecretSchema } },
    },
    async (request, reply) => {
      const url = checkWebhookUrl(request.body.url, { allowHttp: settings.INSECURE_WEBHOOK_HTTP });
      const id = randomUUID();
      const { secret, secretCiphertext } = sealed(id);
      const webhook = await deps.identity.operators.platformWebhooks(async (webhooks) => {
        if ((await webhooks.list()).length >= maxWebhooksPerTenant) {
          throw new AuthError('conflict', `The platform has at most ${maxWebhooksPerTenant} webhooks.`);
        }
        return webhooks.create({ id, url, eventTypes: request.body.eventTypes, secretCiphertext });
      });
      return reply
        .status(201)
        .header('cache-control', 'no-store')
        .send({ ...webhook, secret });
    },
  );

  app.post(
    '/admin/webhooks/:webhookId/rotate-secret',
    {
      config: { operatorScope: 'webhooks:write', refusals: ['not_found'] },
      schema: { params: platformWebhookParams, response: { 200: webhookWithSecretSchema } },
    },
    async (request, reply) => {
      const { webhookId } = request.params;
      const { secret, secretCiphertext } = sealed(webhookId);
      const webhook = await deps.identity.operators.platformWebhooks((webhooks) =>
        webhooks.rotateSecret({
          endpointId: webhookId,
          secretCiphertext,
          overlapSeconds: settings.WEBHOOK_SECRET_OVERLAP_SECONDS,
        }),
      );
      if (!webhook) throw notFound();
      return reply.header('cache-control', 'no-store').send({ ...webhook, secret });
    },
  );

  app.delete(
    '/admin/webhooks/:webhookId',
    {
      config: { operatorScope: 'webhooks:write', refusals: ['not_found'] },
      schema: { params: platformWebhookParams, response: { 204: noContent } },
    },
    async (request, reply) => {
      const endpointId = request.params.webhookId;
      if (!(await deps.identity.operators.platformWebhooks((webhooks) => webhooks.remove({ endpointId })))) {
        throw notFound();
      }
      return reply.status(204).send();
    },
  );

  app.get(
    '/admin/webhooks/:webhookId/deliveries',
    {
      config: { operatorScope: 'webhooks:write', refusals: ['not_found'] },
      schema: {
        params: platformWebhookParams,
        querystring: deliveriesQuery,
        response: { 200: Type.Object({ deliveries: Type.Array(webhookDeliverySchema) }) },
      },
    },
    async (request) => {
      const { state, limit = '50', before } = request.query;
      const endpointId = request.params.webhookId;
      const deliveries = await deps.identity.operators.platformWebhooks(async (webhooks) =>
        (await webhooks.list()).some((webhook) => webhook.id === endpointId)
          ? webhooks.deliveries({
              endpointId,
              limit: Number(limit),
              ...(state ? { state } : {}),
              ...(before ? { before } : {}),
            })
          : null,
      );
      if (!deliveries) throw notFound();
      return { deliveries };
    },
  );
};
