import { text } from 'node:stream/consumers';
import {
  type AuthenticatedUser,
  countNearCacheLookup,
  dependencyError,
  refuseOtherMethods,
  type SessionNearCache,
} from '@authscale/core';
import replyFrom from '@fastify/reply-from';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods, preHandlerAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { type TSchema, Type } from 'typebox';
import { forwardedHeaders } from './forwarded-headers.ts';

export interface OrchestratorProxyOptions {
  orchestratorUrl: string;
  /** Time allowed for the orchestrator's headers, and then between body chunks. */
  timeoutMs: number;
  connectTimeoutMs: number;
  /** Signs the principal assertion for an authenticated request. */
  signPrincipal: (user: AuthenticatedUser) => Promise<string>;
  /** Runs on login, MFA and refresh after the body is parsed (the per-account rate limit). */
  signInPreHandler: preHandlerAsyncHookHandler;
  /** Set, `GET /me` answers are kept with the session they describe (`answerSlotFor`). */
  nearCache?: SessionNearCache | undefined;
}

interface ProxiedRoute {
  method: HTTPMethods | HTTPMethods[];
  url: string;
  public?: boolean;
  signIn?: boolean;
  /** Answered from the near cache when it holds the answer for this session. */
  nearCached?: boolean;
  /** Only the fields the edge itself reads; the orchestrator validates the rest. */
  schema?: { body?: TSchema; params?: TSchema };
}

// Every method the router knows (HEAD comes with GET): what the orchestrator does not answer on a
// path, it refuses with 405 and the methods it does answer there.
const anyMethod: HTTPMethods[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'QUERY'];
const signInBody = (field: string, maxLength: number) =>
  Type.Object({ [field]: Type.Optional(Type.String({ maxLength })) });
const oidcParams = Type.Object({ provider: Type.String({ pattern: '^[a-z0-9-]{1,32}$' }) });

/**
 * What the edge serves on behalf of the orchestrator. The sign-in ceremonies and public keys are
 * public; everything else under `/auth`, `/me` and `/api` needs a signed-in user, so a route the
 * orchestrator adds stays closed until it is listed here as public.
 */
export const proxiedRoutes: readonly ProxiedRoute[] = [
  { method: 'POST', url: '/auth/signup', public: true },
  { method: 'POST', url: '/auth/login', public: true, signIn: true, schema: { body: signInBody('email', 320) } },
  { method: 'POST', url: '/auth/mfa/totp', public: true, signIn: true, schema: { body: signInBody('mfaToken', 4096) } },
  {
    method: 'POST',
    url: '/auth/token/refresh',
    public: true,
    signIn: true,
    schema: { body: signInBody('refreshToken', 4096) },
  },
  {
    method: 'POST',
    url: '/auth/password/reset/request',
    public: true,
    signIn: true,
    schema: { body: signInBody('email', 320) },
  },
  {
    method: 'POST',
    url: '/auth/password/reset',
    public: true,
    signIn: true,
    schema: { body: signInBody('token', 512) },
  },
  { method: 'POST', url: '/auth/email/verify', public: true, signIn: true, schema: { body: signInBody('token', 512) } },
  { method: 'POST', url: '/auth/email/change', public: true, signIn: true, schema: { body: signInBody('token', 512) } },
  { method: 'PUT', url: '/auth/email', signIn: true, schema: { body: signInBody('email', 320) } },
  {
    method: 'POST',
    url: '/api/tenants/:tenantId/invitations',
    signIn: true,
    schema: { body: signInBody('email', 320) },
  },
  { method: 'GET', url: '/api/tenants/:tenantId/invitations' },
  { method: 'POST', url: '/api/invitations/accept', signIn: true, schema: { body: signInBody('token', 512) } },
  // Signed in, and counted per user: each request mails the caller.
  { method: 'POST', url: '/auth/email/verify/request', signIn: true },
  { method: 'GET', url: '/auth/email-code', public: true },
  {
    method: 'POST',
    url: '/auth/email-code/request',
    public: true,
    signIn: true,
    schema: { body: signInBody('email', 320) },
  },
  {
    method: 'POST',
    url: '/auth/email-code/verify',
    public: true,
    signIn: true,
    schema: {
      body: Type.Object({
        email: Type.Optional(Type.String({ maxLength: 320 })),
        token: Type.Optional(Type.String({ maxLength: 512 })),
      }),
    },
  },
  {
    method: 'POST',
    url: '/auth/totp/email-recovery/request',
    public: true,
    signIn: true,
    schema: { body: signInBody('email', 320) },
  },
  ...(['confirm', 'cancel'] as const).map((step) => ({
    method: 'POST' as const,
    url: `/auth/totp/email-recovery/${step}`,
    public: true,
    signIn: true,
    schema: { body: signInBody('token', 512) },
  })),
  { method: 'POST', url: '/auth/passkeys/login/options', public: true },
  { method: 'POST', url: '/auth/passkeys/login/verify', public: true },
  { method: 'GET', url: '/auth/oidc/providers', public: true },
  { method: 'GET', url: '/auth/oidc/:provider/start', public: true, schema: { params: oidcParams } },
  { method: 'GET', url: '/auth/oidc/:provider/callback', public: true, schema: { params: oidcParams } },
  { method: 'GET', url: '/.well-known/jwks.json', public: true },
  { method: 'GET', url: '/openapi.json', public: true },
  { method: anyMethod, url: '/auth/*' },
  { method: 'GET', url: '/me', nearCached: true },
  { method: anyMethod, url: '/api/*' },
];

const idempotentMethods = new Set(['GET', 'HEAD', 'OPTIONS']);
const staleConnectionCodes = new Set(['UND_ERR_SOCKET', 'ECONNRESET']);

/**
 * A kept-alive connection the orchestrator closed as we reused it fails before any answer; an
 * idempotent request is then safe to send once more on a fresh connection.
 */
function retryOnStaleConnection({ err, req, attempt }: { err: Error; req: unknown; attempt: number }) {
  const method = (req as { method?: string }).method ?? '';
  const code = (err as { code?: string } | null)?.code ?? '';
  return attempt === 0 && idempotentMethods.has(method) && staleConnectionCodes.has(code) ? 1 : null;
}

/** reply-from forwards a falsy parsed body as no body; JSON `null`, `false` and `0` are still bodies. */
function bodyRepliesFromWouldDrop({ body }: FastifyRequest): { body?: string } {
  return body === null || body === false || body === 0 ? { body: JSON.stringify(body) } : {};
}

const maxCachedAnswerBytes = 4096;
const maxAnswersPerSession = 8;

/** The answers kept beside one near-cached session, and the key this request's answer has there. */
interface AnswerSlot {
  answers: Map<string, string>;
  key: string;
}

/**
 * Where an orchestrator answer about the caller is kept: beside the near-cached session it
 * describes, under the request's URL and tenant header, so it goes when the session's user
 * changes (their epoch moves) or the entry ages out. Only session and bearer callers qualify.
 */
function answerSlotFor(nearCache: SessionNearCache, request: FastifyRequest): AnswerSlot | undefined {
  const { user } = request;
  if (!user || (user.kind !== 'session' && user.kind !== 'jwt')) return undefined;
  const tenantHeader = request.headers['x-tenant-id'];
  if (Array.isArray(tenantHeader) || (tenantHeader?.length ?? 0) > 64) return undefined;
  // Taken now, right after request authentication checked the entry's epoch.
  const answers = nearCache.derivedFor(user.sessionId);
  return answers ? { answers, key: `${request.url}\n${tenantHeader ?? ''}` } : undefined;
}

/**
 * The paths the edge lists one by one, each with the methods listed for it and whether it is
 * public: asked with another method, such a path answers 405 with `Allow` at the edge, a public
 * one without asking for credentials (it has nothing to hide), the others after request auth.
 */
function exactPaths(routes: readonly ProxiedRoute[]) {
  const byUrl = new Map<string, { methods: Set<string>; public: boolean }>();
  for (const route of routes) {
    if (route.url.includes('*')) continue;
    const entry = byUrl.get(route.url) ?? { methods: new Set<string>(), public: route.public === true };
    for (const method of [route.method].flat()) entry.methods.add(method);
    byUrl.set(route.url, entry);
  }
  return byUrl;
}

function keepAnswer({ answers, key }: AnswerSlot, body: string) {
  if (Buffer.byteLength(body) <= maxCachedAnswerBytes && answers.size < maxAnswersPerSession) {
    answers.set(key, body);
  }
}

/** Forwards the public contract to the orchestrator over an undici keep-alive pool. */
export const orchestratorProxy = fp<OrchestratorProxyOptions>(
  async (fastify: FastifyInstance, options) => {
    const { orchestratorUrl, timeoutMs, connectTimeoutMs, signPrincipal, signInPreHandler } = options;
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
    await app.register(replyFrom, {
      base: orchestratorUrl,
      disableRequestLogging: true,
      undici: {
        connections: 256,
        pipelining: 1,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        connect: { timeout: connectTimeoutMs },
      },
    });

    async function forward(request: FastifyRequest, reply: FastifyReply, slot?: AnswerSlot) {
      const principal = request.user ? await signPrincipal(request.user) : undefined;
      return reply.from(undefined, {
        ...bodyRepliesFromWouldDrop(request),
        rewriteRequestHeaders: (_request, headers) => forwardedHeaders(request, headers, principal),
        onError: (failed, { error }) => failed.send(dependencyError(error)),
        retryDelay: retryOnStaleConnection,
        ...(slot
          ? {
              onResponse: (_request, answering, response) => {
                if (response.statusCode !== 200) return answering.send(response.stream);
                void text(response.stream).then(
                  (body) => {
                    keepAnswer(slot, body);
                    answering.send(body);
                  },
                  (error: unknown) => answering.send(dependencyError(error)),
                );
              },
            }
          : {}),
      });
    }

    const { nearCache } = options;
    async function forwardOrRecall(request: FastifyRequest, reply: FastifyReply) {
      const slot = nearCache ? answerSlotFor(nearCache, request) : undefined;
      if (!slot) return forward(request, reply);
      const body = slot.answers.get(slot.key);
      countNearCacheLookup('edge.answers', body !== undefined);
      if (body !== undefined) return reply.type('application/json; charset=utf-8').send(body);
      return forward(request, reply, slot);
    }

    // Fastify refuses a QUERY (RFC 10008) without a content type with 400 before any handler, as
    // that RFC asks of a server that serves QUERY. The orchestrator serves none and answers 405
    // with the path's methods, so such a request is forwarded as it came, with no body to read.
    const forwardBodilessQuery = async (request: FastifyRequest, reply: FastifyReply) => {
      if (request.method === 'QUERY' && request.headers['content-type'] === undefined) return forward(request, reply);
    };

    for (const route of proxiedRoutes) {
      app.route({
        method: route.method,
        url: route.url,
        schema: route.schema ?? {},
        config: { public: route.public === true },
        onRequest: route.url.includes('*') ? [forwardBodilessQuery] : [],
        preHandler: route.signIn ? [signInPreHandler] : [],
        handler: route.nearCached ? forwardOrRecall : (request, reply) => forward(request, reply),
      });
    }
    for (const [url, { methods, public: isPublic }] of exactPaths(proxiedRoutes)) {
      refuseOtherMethods(app, url, methods, { public: isPublic });
    }
  },
  { name: 'authscale-edge-orchestrator-proxy', fastify: '5.x', dependencies: ['authscale-request-auth'] },
);
