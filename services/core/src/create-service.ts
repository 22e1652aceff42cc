import { randomUUID } from 'node:crypto';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import { errorHandler } from './error-handler.ts';
import { clientErrorAnswer, frameworkErrorAnswer } from './framework-answers.ts';
import { type HealthOptions, health } from './health.ts';
import { loggerOptions } from './logger.ts';
import { requestLoggerFactory } from './request-logger.ts';
import './route-config.ts';
import { flushTelemetry } from './telemetry/flush-telemetry.ts';
import { ServerTelemetryLogController, serverTelemetry } from './telemetry/server-telemetry.ts';
import { telemetryWanted } from './telemetry/telemetry-wanted.ts';

export interface CreateServiceOptions {
  /** Service name, stamped on every log line. */
  name: string;
  /** @default 'info' */
  logLevel?: string;
  /** Where log lines go instead of stdout (tests read them). */
  logDestination?: { write(line: string): void };
  /** Dependency checks behind `/readyz`. */
  readiness?: HealthOptions['readiness'];
  /** Checks `/readyz` reports without failing on them. */
  optionalReadiness?: HealthOptions['optional'];
  /** @default 65536 (auth payloads are small; WebAuthn attestations fit well within this) */
  bodyLimit?: number;
  /**
   * Trust `X-Forwarded-For` from the load balancer in front of us. A number trusts that many hops
   * (the address the nearest trusted proxy saw), so a client cannot pick its own address by sending
   * the header itself. @default false
   */
  trustProxy?: boolean | number;
  /**
   * Headers on every answer, including those Fastify and Node give before any route runs (a bad
   * URL, a path parameter too long, oversized headers). A route may override them. @default {}
   */
  headers?: Readonly<Record<string, string>>;
  /**
   * Registered before any route, the health routes included, so it sees them all: the
   * orchestrator's OpenAPI generator, which documents the routes registered after it.
   */
  documentation?: (app: FastifyInstance) => PromiseLike<unknown>;
}

/**
 * Longer than any path parameter the routes accept (passkey credential ids run to 1,024), so the
 * route's own schema refuses a long value with a 400 and the router never answers 414.
 */
const maxParamLength = 2048;

const requestIdPattern = /^[A-Za-z0-9._-]{8,128}$/;

/** A Fastify instance with the shared error shape, request ids, health routes and redacted logs. */
export async function createService({
  name,
  logLevel = 'info',
  readiness = {},
  optionalReadiness = {},
  bodyLimit = 65_536,
  trustProxy = false,
  logDestination,
  headers = {},
  documentation,
}: CreateServiceOptions) {
  const logger = loggerOptions({ service: name, level: logLevel });
  const app = Fastify({
    logger: logDestination ? { ...logger, stream: logDestination } : logger,
    childLoggerFactory: requestLoggerFactory,
    // Fastify's two lines per request would be most of what a busy service logs, and its
    // "incoming request" line carries the query string, where an OIDC callback has its code.
    // The load balancer's access log records every request; here one line at debug, below.
    // With telemetry, the same, also ending each request's span and measuring its duration.
    logController: telemetryWanted(process.env)
      ? new ServerTelemetryLogController()
      : new LogController({ disableRequestLogging: true }),
    bodyLimit,
    // proxy-addr's hop-count rule, spelled as the trust function Fastify's types accept.
    trustProxy: typeof trustProxy === 'number' ? (_address: string, hop: number) => hop < trustProxy : trustProxy,
    requestIdHeader: false,
    genReqId: (request) => {
      const incoming = request.headers['x-request-id'];
      return typeof incoming === 'string' && requestIdPattern.test(incoming) ? incoming : randomUUID();
    },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
    routerOptions: { maxParamLength },
    frameworkErrors: frameworkErrorAnswer(headers),
    clientErrorHandler: clientErrorAnswer(headers),
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Before any other hook, so that the calls they make are part of the request's trace. As the
  // preload, only when an exporter is asked for: without one, a request pays nothing for it.
  if (telemetryWanted(process.env)) await app.register(serverTelemetry);
  // A callback hook, not an async one: it runs on every request and needs no promise.
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(headers);
    reply.header('x-request-id', request.id);
    done();
  });
  if (logLevel === 'debug' || logLevel === 'trace') {
    app.addHook('onResponse', (request, reply, done) => {
      const path = request.url.split('?', 1)[0];
      request.log.debug({ method: request.method, path, status: reply.statusCode, ms: reply.elapsedTime }, 'request');
      done();
    });
  }
  await app.register(errorHandler);
  if (documentation) await documentation(app);
  await app.register(health, { readiness, optional: optionalReadiness });
  return app;
}

export type Service = Awaited<ReturnType<typeof createService>>;

export interface ListenOptions {
  host: string;
  port: number;
  /** How long in-flight requests may take to finish after SIGTERM. @default 10000 */
  drainTimeoutMs?: number;
}

/**
 * Listens and drains on SIGTERM/SIGINT: `/readyz` turns 503, in-flight requests finish,
 * then `onClose` hooks release pools and clients, and the last spans and metrics are sent.
 */
export async function listen(app: FastifyInstance, { host, port, drainTimeoutMs = 10_000 }: ListenOptions) {
  await app.listen({ host, port });
  const shutdown = (signal: string) => {
    app.log.info({ signal }, 'shutting down');
    setTimeout(() => {
      app.log.error('drain timed out; exiting');
      process.exit(1);
    }, drainTimeoutMs).unref();
    app.close().then(
      () => flushTelemetry().finally(() => process.exit(0)),
      (error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  return app.server.address();
}
