import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { bearerChallenge } from '../error-handler.ts';
import { AuthError } from '../errors.ts';
import '../route-config.ts';
import { apiKeyPrefix, isWellFormedApiKey } from '../api-keys/api-key-format.ts';
import type {
  AuthenticatedUser,
  RequestAuthApiKey,
  RequestAuthClaims,
  RequestAuthSession,
} from './authenticated-user.ts';
import { cookieValue, type SessionCookieSettings, secureSessionCookie } from './session-cookie.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller; `null` on public routes. */
    user: AuthenticatedUser | null;
  }
}

export interface RequestAuthOptions {
  /** The live session for a session token, or `null`. Throws a `dependency_*` AuthError when the session layer is down. */
  validateSessionToken: (token: string) => Promise<RequestAuthSession | null>;
  /** The claims of a valid access JWT (signature, `alg`, `iss`, `aud`, `typ`, expiry checked), or `null`. */
  verifyAccessToken: (jwt: string) => Promise<RequestAuthClaims | null>;
  /** Whether the session a JWT was issued for is still live (the session layer's near cache answers). */
  isSessionLive: (userId: string, sid: string) => Promise<boolean>;
  /**
   * Refuse a JWT whose session was revoked, so logout is instant for JWTs too. Turning it off
   * saves one near-cache lookup per bearer request and lets a revoked JWT live until it expires.
   * @default true
   */
  checkJwtRevocation?: boolean;
  /**
   * The live API key for an `ask_...` bearer, or `null`; asked on every request (no cache), so a
   * revoked key is refused at once. Throws a `dependency_*` AuthError when the key owner is down.
   * Unset: API keys are refused like any unknown bearer.
   */
  verifyApiKey?: (key: string) => Promise<RequestAuthApiKey | null>;
  /** @default secureSessionCookie() */
  sessionCookie?: SessionCookieSettings;
}

const pluginName = 'authscale-request-auth';
// A session token is `<userId>.<secret>` with a 32-byte base64url secret.
const sessionTokenPattern = /^[A-Za-z0-9_-]{1,128}\.[A-Za-z0-9_-]{43}$/;
// The JWT's form is checked by `verifyAccessToken`, after its cache of verified tokens: a pattern
// here scanned the whole token (some 600 characters) on every request, about 5% of the edge's CPU.
const maxJwtLength = 8192;

/**
 * Request authentication: the session cookie, `Authorization: Bearer <JWT>` or
 * `Authorization: Bearer ask_...` (an API key) becomes `request.user`, or the request is refused
 * with 401. Routes with `config: { public: true }` skip it.
 * It says "valid user" and nothing else: tenant context and permissions live elsewhere.
 */
export const requestAuth = fp<RequestAuthOptions>(
  async (app: FastifyInstance, options) => {
    const { validateSessionToken, verifyAccessToken, isSessionLive, checkJwtRevocation, verifyApiKey, sessionCookie } =
      validateOptions(options);

    async function fromSessionCookie(token: string): Promise<AuthenticatedUser | null> {
      if (!sessionTokenPattern.test(token)) return null;
      const session = await validateSessionToken(token);
      if (!session) return null;
      const { sid, userId, tenantId, amr, acr, authTime } = session;
      return { id: userId, sessionId: sid, tenantId, amr, acr, authTime: Math.floor(authTime / 1000), kind: 'session' };
    }

    // A key is no user and no session: its id stands in for both, so nothing can mistake it for a
    // user id (identity refuses non-UUID user ids), and it carries no authentication methods.
    async function fromApiKey(key: string): Promise<AuthenticatedUser | null> {
      if (!verifyApiKey || !isWellFormedApiKey(key)) return null;
      const verified = await verifyApiKey(key);
      if (!verified) return null;
      const { keyId, tenantId, scopes } = verified;
      return { id: keyId, sessionId: keyId, tenantId, amr: [], acr: 'api_key', authTime: 0, kind: 'api_key', scopes };
    }

    async function fromBearer(credential: string): Promise<AuthenticatedUser | null> {
      if (credential.startsWith(apiKeyPrefix)) return fromApiKey(credential);
      const jwt = credential;
      if (jwt.length > maxJwtLength) return null;
      const claims = await verifyAccessToken(jwt);
      if (!claims) return null;
      if (checkJwtRevocation && !(await isSessionLive(claims.sub, claims.sid))) return null;
      const { sub, sid, tid, amr, acr, auth_time } = claims;
      return { id: sub, sessionId: sid, tenantId: tid, amr, acr, authTime: auth_time, kind: 'jwt' };
    }

    async function authenticate(request: FastifyRequest, reply: FastifyReply) {
      if (request.routeOptions.config?.public) return;
      const authorization = request.headers.authorization;
      if (authorization !== undefined) {
        const space = authorization.indexOf(' ');
        const bearer = space > 0 && authorization.slice(0, space).toLowerCase() === 'bearer';
        const credential = bearer ? authorization.slice(space + 1) : '';
        const user = credential.length > 0 ? await fromBearer(credential) : null;
        if (!user) {
          reply.header('www-authenticate', `${bearerChallenge}, error="invalid_token"`);
          throw new AuthError('unauthenticated');
        }
        request.user = user;
        return;
      }
      const token = cookieValue(request.headers.cookie, sessionCookie.name);
      const user = token ? await fromSessionCookie(token) : null;
      if (!user) throw new AuthError('unauthenticated');
      request.user = user;
    }

    app.decorateRequest('user', null);
    app.addHook('onRequest', authenticate);
  },
  { name: pluginName, fastify: '5.x' },
);

function validateOptions(options: RequestAuthOptions) {
  const { checkJwtRevocation = true, sessionCookie = secureSessionCookie() } = options;
  for (const name of ['validateSessionToken', 'verifyAccessToken', 'isSessionLive'] as const) {
    if (typeof options[name] !== 'function') throw new TypeError(`${pluginName}: option "${name}" must be a function`);
  }
  if (options.verifyApiKey !== undefined && typeof options.verifyApiKey !== 'function') {
    throw new TypeError(`${pluginName}: option "verifyApiKey" must be a function when set`);
  }
  if (typeof checkJwtRevocation !== 'boolean') {
    throw new TypeError(`${pluginName}: option "checkJwtRevocation" must be a boolean`);
  }
  if (typeof sessionCookie?.name !== 'string' || sessionCookie.name.length === 0) {
    throw new TypeError(`${pluginName}: option "sessionCookie.name" must be a non-empty string`);
  }
  return { ...options, checkJwtRevocation, sessionCookie };
}
