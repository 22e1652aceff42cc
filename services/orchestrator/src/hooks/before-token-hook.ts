import type { AccessTokenSubject } from '../tokens/issue-access-token.ts';
import { callHook } from './call-hook.ts';
import type { HookEndpoint } from './hook-config.ts';
import { type HookLog, hookFailed } from './hook-failure.ts';

/** The claims a hook adds, as compact JSON: a token travels in every request's headers. */
const claimsMaxBytes = 2048;

export type TokenGrant = 'sign_in' | 'refresh';

/**
 * The before-token hook: the claims to add to an access token, each named under the configured
 * namespace (a URL prefix, as RFC 7519's collision-resistant public names), so none can stand in
 * for a registered or authscale claim. An answer with any other name, or larger than 2 KiB, is a
 * failure like no answer, and the endpoint's failure policy decides: open, the token is issued
 * without added claims. Without an endpoint there are none.
 */
export function beforeTokenHook(endpoint: (HookEndpoint & { claimNamespace: string }) | undefined) {
  return async function claimsFor(
    subject: Omit<AccessTokenSubject, 'authTime'>,
    grant: TokenGrant,
    log: HookLog,
  ): Promise<Record<string, unknown>> {
    if (!endpoint) return {};
    const failed = (failure: string) => {
      hookFailed(endpoint, failure, log);
      return {};
    };
    const { userId, tenantId, sessionId, amr, acr } = subject;
    const result = await callHook(endpoint, { userId, tenantId, sessionId, amr, acr, grant });
    if (!result.ok) return failed(result.failure);
    const { claims } = (result.answer ?? {}) as { claims?: unknown };
    if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) {
      return failed('answer_invalid');
    }
    const names = Object.keys(claims);
    const { claimNamespace } = endpoint;
    if (names.some((name) => !name.startsWith(claimNamespace) || name.length === claimNamespace.length)) {
      return failed('claims_not_namespaced');
    }
    if (Buffer.byteLength(JSON.stringify(claims)) > claimsMaxBytes) {
      return failed('claims_too_large');
    }
    return claims as Record<string, unknown>;
  };
}

export type ClaimsFor = ReturnType<typeof beforeTokenHook>;
