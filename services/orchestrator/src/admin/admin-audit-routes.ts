import { AuthError } from '@authscale/core';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AdminApiDependencies } from './admin-dependencies.ts';

const exportLimit = { default: 1000, maximum: 10_000 };

/**
 * `GET /admin/audit-events`: the whole audit trail as JSON lines (`application/x-ndjson`), one
 * event per line in the order they were written, for a SIEM to poll. The cursor of the next page
 * is in the `Link` header (RFC 8288, `rel="next"`), absent on the last page; a poller keeps the
 * last one it saw and asks again later. Events show up once they are a minute old
 * (`auditExportSettleSeconds`), so a cursor never passes an event still being committed.
 */
export const adminAuditRoutes: FastifyPluginAsyncTypebox<{ deps: AdminApiDependencies }> = async (app, { deps }) => {
  app.get(
    '/admin/audit-events',
    {
      config: { operatorScope: 'audit:read' },
      schema: {
        querystring: Type.Object(
          {
            after: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,17}$', description: 'The last id seen.' })),
            since: Type.Optional(Type.String({ format: 'date-time', description: 'Events at or after this time.' })),
            limit: Type.Optional(
              Type.String({
                pattern: '^[1-9][0-9]{0,4}$',
                description: `Lines per page, up to ${exportLimit.maximum}; ${exportLimit.default} unset.`,
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          // Its own media type; the refusals keep the JSON error shape.
          200: {
            description:
              'One JSON object per line: `id`, `occurredAt`, `type`, `userId`, `tenantId`, `ip`, `detail`. `Link: <...>; rel="next"` names the next page.',
            content: { 'application/x-ndjson': { schema: Type.String() } },
          },
        },
      },
    },
    async (request, reply) => {
      const { after, since } = request.query;
      const limit = Math.min(Number(request.query.limit ?? exportLimit.default), exportLimit.maximum);
      // In UTC: Postgres refuses offsets past 15:59, which RFC 3339 allows up to 23:59.
      const from = since === undefined ? undefined : new Date(since);
      if (from && Number.isNaN(from.getTime())) throw new AuthError('invalid_request', 'The time is invalid.');
      const events = await deps.identity.operators.exportAudit({
        ...(after ? { after } : {}),
        ...(from ? { since: from.toISOString() } : {}),
        limit,
      });
      const last = events.at(-1);
      if (last && events.length === limit) {
        const next = new URLSearchParams({ after: last.id, limit: String(limit) });
        reply.header('link', `</admin/audit-events?${next}>; rel="next"`);
      }
      reply.header('cache-control', 'no-store').type('application/x-ndjson');
      return events.map((event) => `${JSON.stringify(event)}\n`).join('');
    },
  );
};
