import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Type } from 'typebox';
import { refuseOtherMethods } from './http/refuse-other-methods.ts';

/** A readiness probe: resolves when the dependency answers, rejects or times out otherwise. */
export type ReadinessCheck = () => Promise<unknown>;

export interface HealthOptions {
  /** Named checks for `/readyz`. @default {} (ready as soon as the process listens) */
  readiness?: Record<string, ReadinessCheck>;
  /**
   * Checks `/readyz` reports but does not fail on: dependencies the service keeps serving without
   * (answering `degraded`), so their outage does not take every task out of the load balancer.
   * @default {}
   */
  optional?: Record<string, ReadinessCheck>;
  /** How long one check may take before it counts as failed. @default 1000 */
  checkTimeoutMs?: number;
}

/** What `/healthz` and `/readyz` answer, in every service; the public contract documents the edge's. */
export const healthAnswerSchemas = {
  liveness: Type.Object({ status: Type.Literal('ok') }, { description: 'The process is alive.' }),
  readiness: Type.Object(
    {
      status: Type.Union([
        Type.Literal('ready'),
        Type.Literal('degraded'),
        Type.Literal('not_ready'),
        Type.Literal('closing'),
      ]),
      checks: Type.Record(Type.String(), Type.Union([Type.Literal('ok'), Type.Literal('failing')])),
    },
    {
      description:
        '`ready` (200): every dependency answers; `degraded` (200): one it serves without is failing; ' +
        '`not_ready` (503): a dependency it needs is failing; `closing` (503): shutting down, so load balancers drain it first.',
    },
  ),
};

/**
 * `/healthz` answers while the process is alive. `/readyz` answers 503 until every required
 * dependency answers, and again from the moment shutdown begins so load balancers drain us first.
 */
export const health = fp<HealthOptions>(
  async (app: FastifyInstance, { readiness = {}, optional = {}, checkTimeoutMs = 1000 }) => {
    let closing = false;
    app.addHook('preClose', async () => {
      closing = true;
    });

    app.get(
      '/healthz',
      { config: { public: true }, schema: { response: { 200: healthAnswerSchemas.liveness } } },
      async () => ({ status: 'ok' as const }),
    );

    const readinessAnswers = { 200: healthAnswerSchemas.readiness, 503: healthAnswerSchemas.readiness };
    app.get(
      '/readyz',
      { config: { public: true }, schema: { response: readinessAnswers } },
      async (_request, reply) => {
        if (closing) return reply.status(503).send({ status: 'closing', checks: {} });
        const run = (entries: Record<string, ReadinessCheck>) =>
          Promise.all(
            Object.entries(entries).map(
              async ([name, check]) => [name, await runCheck(check, checkTimeoutMs)] as const,
            ),
          );
        const [required, extra] = await Promise.all([run(readiness), run(optional)]);
        const checks = Object.fromEntries([...required, ...extra]);
        const ready = required.every(([, result]) => result === 'ok');
        const status = !ready ? 'not_ready' : extra.every(([, result]) => result === 'ok') ? 'ready' : 'degraded';
        return reply.status(ready ? 200 : 503).send({ status, checks });
      },
    );
    refuseOtherMethods(app, '/healthz', ['GET'], { public: true });
    refuseOtherMethods(app, '/readyz', ['GET'], { public: true });
  },
  { name: 'authscale-health', fastify: '5.x' },
);

async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<'ok' | 'failing'> {
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs).unref()),
    ]);
    return 'ok';
  } catch {
    return 'failing';
  }
}
