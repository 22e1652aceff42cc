import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import helmet from 'helmet';

export interface SecurityHeadersOptions {
  /**
   * Strict-Transport-Security, and upgrade-insecure-requests on documents. Off on plain-HTTP
   * localhost, where both would send the browser to an HTTPS port nobody listens on.
   */
  https: boolean;
}

/** One HSTS policy for both sets: a year, subdomains included (helmet's default). */
const hsts = { maxAge: 31_536_000, includeSubDomains: true } as const;

/**
 * What every answer carries: the set OWASP's REST Security Cheat Sheet gives JSON APIs. No
 * answer may be cached unless it says so itself (the orchestrator's JWKS does), and none may be
 * framed or rendered as a page. helmet's other headers steer how a browser treats an HTML
 * document; on JSON they change nothing, and Node validates and serialises each header on every
 * answer: about 2% of the CPU of a near-cached `GET /me` apiece.
 */
export function apiSecurityHeaders({ https }: SecurityHeadersOptions): Record<string, string> {
  return {
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    ...(https ? { 'strict-transport-security': `max-age=${hsts.maxAge}; includeSubDomains` } : {}),
  };
}

/**
 * helmet's defaults, for the HTML documents and scripts the edge serves (the demo page). Worked
 * out once: they depend only on the options (no CSP nonces here), and @fastify/helmet would run
 * helmet's middleware on every request.
 */
export function documentSecurityHeaders({ https }: SecurityHeadersOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const collector = {
    setHeader(name: string, value: unknown) {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader() {},
  };
  const options = https
    ? { strictTransportSecurity: hsts }
    : { strictTransportSecurity: false, contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } };
  helmet(options)({} as IncomingMessage, collector as unknown as ServerResponse, () => {});
  return headers;
}

/** Puts `headers` on every answer of the context it is registered in (set first: a route may override). */
export const securityHeaders = fp<{ headers: Record<string, string> }>(
  async (app: FastifyInstance, { headers }) => {
    app.addHook('onRequest', (_request, reply, done) => {
      reply.headers(headers);
      done();
    });
  },
  { name: 'authscale-security-headers', fastify: '5.x' },
);
