import { createHash } from 'node:crypto';
import { AuthError, countRateLimitRefusal, normalizeEmail } from '@authscale/core';
import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';

export interface SignInRateLimitOptions {
  /** Per request, so an exempt client (`RATE_LIMIT_EXEMPT_CIDRS`) is counted but never refused. */
  max: number | ((request: FastifyRequest) => number);
  timeWindowMs: number;
}

/** The body fields that name the account being signed in to, per sign-in route: the first one present. */
const accountFieldsByRoute: Record<string, readonly string[]> = {
  '/auth/login': ['email'],
  '/auth/mfa/totp': ['mfaToken'],
  '/auth/token/refresh': ['refreshToken'],
  // Mailed links: requests per address (mail bombing, enumeration), and guesses at their tokens.
  '/auth/password/reset/request': ['email'],
  '/auth/password/reset': ['token'],
  '/auth/email/verify': ['token'],
  '/auth/email-code/request': ['email'],
  '/auth/email-code/verify': ['email', 'token'],
  '/auth/totp/email-recovery/request': ['email'],
  '/auth/totp/email-recovery/confirm': ['token'],
  '/auth/totp/email-recovery/cancel': ['token'],
  // Links mailed to an address someone else may own: per target address (mail bombing through
  // us), and guesses at their tokens.
  '/auth/email': ['email'],
  '/auth/email/change': ['token'],
  '/api/tenants/:tenantId/invitations': ['email'],
  '/api/invitations/accept': ['token'],
};

/** Signed-in routes that mail the caller: counted per user, wherever they call from. */
const perUserRoutes: readonly string[] = ['/auth/email/verify/request'];

/**
 * Names the account a sign-in attempt targets without keeping the email or token itself in Redis:
 * the route, a hash of the normalised account field and the client address; for a signed-in
 * route that mails its caller, the route and a hash of the user id.
 */
function accountKey(request: FastifyRequest): string {
  const route = request.routeOptions.url ?? request.url;
  if (perUserRoutes.includes(route) && request.user) {
    return `mail:${route}:${createHash('sha256').update(request.user.id).digest('base64url')}`;
  }
  const body = request.body as Record<string, unknown> | null;
  const field = accountFieldsByRoute[route]?.find((name) => typeof body?.[name] === 'string');
  const value = field ? body?.[field] : undefined;
  if (typeof value !== 'string') return `sign-in:${route}:-:${request.ip}`;
  // The address as identity stores it: spellings of one account share one counter.
  const normalised = field === 'email' ? normalizeEmail(value) : value;
  const account = createHash('sha256').update(normalised).digest('base64url');
  return `sign-in:${route}:${account}:${request.ip}`;
}

/**
 * A stricter limit per account and IP for login, MFA, refresh and the mailed-link and -code routes
 * (reset, verification, email change, invitations, sign-in codes, TOTP recovery), and per user for
 * a signed-in request for mail, on top of the per-IP limit. It
 * runs as a preHandler because the account is in the parsed body. Unlike the per-IP limit it fails
 * closed: when the counters cannot be reached, sign-in answers 503 rather than lose its
 * brute-force protection.
 */
export function signInRateLimit(
  app: FastifyInstance,
  { max, timeWindowMs }: SignInRateLimitOptions,
): preHandlerAsyncHookHandler {
  const check = app.createRateLimit({ max, timeWindow: timeWindowMs, keyGenerator: accountKey, skipOnError: false });
  return async (request) => {
    let result: Awaited<ReturnType<typeof check>>;
    try {
      result = await check(request);
    } catch (error) {
      throw new AuthError('dependency_unavailable', undefined, { cause: error });
    }
    if (!result.isAllowed && result.isExceeded) {
      countRateLimitRefusal('sign_in');
      throw new AuthError('rate_limited', undefined, { retryAfterSeconds: result.ttlInSeconds });
    }
  };
}

export const signInRoutes = [...Object.keys(accountFieldsByRoute), ...perUserRoutes];
