import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AuthError } from '../errors.ts';
import '../request-auth/request-auth.ts';
import { cookieValue, sessionCookieName as defaultSessionCookieName } from '../request-auth/session-cookie.ts';

export interface CsrfOriginOptions {
  /** Origins (`scheme://host[:port]`) whose pages may change state with the session cookie. */
  allowedOrigins: readonly string[];
  /** @default '__Host-authscale_session' */
  sessionCookieName?: string;
}

const pluginName = 'authscale-csrf-origin';
const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF defence for cookie-authenticated state changes: a POST, PUT, PATCH or DELETE that carries
 * the session cookie must come with an `Origin` we serve. A foreign `Origin` is refused on every
 * state-changing request (that also stops login CSRF on public routes). Bearer requests (JWTs and
 * API keys) carry no ambient credential and are exempt. Runs after request authentication.
 */
export const csrfOrigin = fp<CsrfOriginOptions>(
  async (app: FastifyInstance, options) => {
    const { allowedOrigins, sessionCookieName } = validateOptions(options);

    const refused = (request: FastifyRequest): boolean => {
      if (safeMethods.has(request.method) || request.user?.kind === 'jwt' || request.user?.kind === 'api_key') {
        return false;
      }
      const origin = request.headers.origin;
      if (origin !== undefined) return !allowedOrigins.has(origin);
      return request.user?.kind === 'session' || cookieValue(request.headers.cookie, sessionCookieName) !== undefined;
    };
    // A callback hook: it runs on every request and has nothing to wait for.
    app.addHook('onRequest', (request, _reply, done) => {
      done(refused(request) ? new AuthError('forbidden') : undefined);
    });
  },
  { name: pluginName, fastify: '5.x', dependencies: ['authscale-request-auth'] },
);

function validateOptions({ allowedOrigins, sessionCookieName = defaultSessionCookieName }: CsrfOriginOptions) {
  if (!Array.isArray(allowedOrigins) || allowedOrigins.length === 0) {
    throw new TypeError(`${pluginName}: option "allowedOrigins" must list at least one origin`);
  }
  for (const origin of allowedOrigins) {
    if (!URL.canParse(origin) || new URL(origin).origin !== origin) {
      throw new TypeError(`${pluginName}: "${origin}" is not an origin (scheme://host[:port], no path or slash)`);
    }
  }
  if (typeof sessionCookieName !== 'string' || sessionCookieName.length === 0) {
    throw new TypeError(`${pluginName}: option "sessionCookieName" must be a non-empty string`);
  }
  return { allowedOrigins: new Set(allowedOrigins), sessionCookieName };
}
