import { ConfigError, durationMs } from '@authscale/core';
import { Type } from 'typebox';
import { checkWebhookUrl } from '../webhooks/check-webhook-url.ts';

/** A Standard Webhooks secret: `whsec_` and the base64 of 24 to 64 random bytes. */
const hookSecret = Type.String({ pattern: '^whsec_[A-Za-z0-9+/]{32,88}={0,2}$' });
const failurePolicy = (fallback: 'closed' | 'open') =>
  Type.Union([Type.Literal('closed'), Type.Literal('open')], { default: fallback });
const hookTimeout = durationMs({ default: 2_000, minimum: 100, maximum: 10_000 });

/** The synchronous hooks' settings (docs/hooks.md), spread into the orchestrator's schema. */
export const hookConfigFields = {
  /** Called before an account is created; unset, nothing is called. */
  HOOK_BEFORE_SIGN_UP_URL: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
  HOOK_BEFORE_SIGN_UP_SECRET: Type.Optional(hookSecret),
  /** While the receiver moves to a new secret, calls are signed with both (docs/hooks.md). */
  HOOK_BEFORE_SIGN_UP_SECRET_NEXT: Type.Optional(hookSecret),
  HOOK_BEFORE_SIGN_UP_TIMEOUT_MS: hookTimeout,
  /** Closed by default: an account the operator's rules could not check is not opened. */
  HOOK_BEFORE_SIGN_UP_ON_FAILURE: failurePolicy('closed'),
  /** Called before every access token is issued (sign-in and refresh); unset, nothing is called. */
  HOOK_BEFORE_TOKEN_URL: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
  HOOK_BEFORE_TOKEN_SECRET: Type.Optional(hookSecret),
  HOOK_BEFORE_TOKEN_SECRET_NEXT: Type.Optional(hookSecret),
  HOOK_BEFORE_TOKEN_TIMEOUT_MS: hookTimeout,
  /**
   * Open by default: the claims only add to a token, so a resource server that needs one refuses a
   * token without it, while a hook outage does not stop every sign-in and refresh.
   */
  HOOK_BEFORE_TOKEN_ON_FAILURE: failurePolicy('open'),
  /** The prefix every claim name the hook adds must start with, as `https://example.com/claims/`. */
  HOOK_BEFORE_TOKEN_CLAIM_NAMESPACE: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
};

export interface HookEndpoint {
  name: 'before_sign_up' | 'before_token';
  url: string;
  secrets: readonly string[];
  timeoutMs: number;
  onFailure: 'closed' | 'open';
  allowPrivateAddresses: boolean;
}

interface HookSettings {
  HOOK_BEFORE_SIGN_UP_URL?: string | undefined;
  HOOK_BEFORE_SIGN_UP_SECRET?: string | undefined;
  HOOK_BEFORE_SIGN_UP_SECRET_NEXT?: string | undefined;
  HOOK_BEFORE_SIGN_UP_TIMEOUT_MS: number;
  HOOK_BEFORE_SIGN_UP_ON_FAILURE: 'closed' | 'open';
  HOOK_BEFORE_TOKEN_URL?: string | undefined;
  HOOK_BEFORE_TOKEN_SECRET?: string | undefined;
  HOOK_BEFORE_TOKEN_SECRET_NEXT?: string | undefined;
  HOOK_BEFORE_TOKEN_TIMEOUT_MS: number;
  HOOK_BEFORE_TOKEN_ON_FAILURE: 'closed' | 'open';
  HOOK_BEFORE_TOKEN_CLAIM_NAMESPACE?: string | undefined;
  INSECURE_WEBHOOK_HTTP: boolean;
  INSECURE_WEBHOOK_PRIVATE_ADDRESSES: boolean;
}

/**
 * The configured hooks, or a ConfigError naming every incomplete one: a URL needs its secret (an
 * unsigned call would let anyone who finds the receiver answer for authscale), a secret needs its
 * URL, and the token hook needs the namespace its claims live under.
 */
export function hookEndpointsFromConfig(scope: string, config: HookSettings) {
  const problems: string[] = [];
  const endpoint = (name: HookEndpoint['name'], prefix: 'HOOK_BEFORE_SIGN_UP' | 'HOOK_BEFORE_TOKEN') => {
    const url = config[`${prefix}_URL`];
    const secret = config[`${prefix}_SECRET`];
    const next = config[`${prefix}_SECRET_NEXT`];
    if (next && !secret) problems.push(`${prefix}_SECRET_NEXT: only beside ${prefix}_SECRET`);
    if (!url && !secret) return undefined;
    if (!url || !secret) {
      problems.push(`${prefix}_URL and ${prefix}_SECRET: set both or neither`);
      return undefined;
    }
    try {
      checkWebhookUrl(url, { allowHttp: config.INSECURE_WEBHOOK_HTTP });
    } catch {
      problems.push(
        `${prefix}_URL: an absolute https URL without credentials or fragment (http: with INSECURE_WEBHOOK_HTTP)`,
      );
      return undefined;
    }
    return {
      name,
      url,
      secrets: next ? [secret, next] : [secret],
      timeoutMs: config[`${prefix}_TIMEOUT_MS`],
      onFailure: config[`${prefix}_ON_FAILURE`],
      allowPrivateAddresses: config.INSECURE_WEBHOOK_PRIVATE_ADDRESSES,
    } satisfies HookEndpoint;
  };
  const beforeSignUp = endpoint('before_sign_up', 'HOOK_BEFORE_SIGN_UP');
  const beforeToken = endpoint('before_token', 'HOOK_BEFORE_TOKEN');
  const namespace = config.HOOK_BEFORE_TOKEN_CLAIM_NAMESPACE;
  if (config.HOOK_BEFORE_TOKEN_URL && !namespace) {
    problems.push('HOOK_BEFORE_TOKEN_CLAIM_NAMESPACE: required with HOOK_BEFORE_TOKEN_URL');
  }
  if (namespace && !/^https?:\/\/[^/\s]+\/\S*$/.test(namespace)) {
    problems.push(
      'HOOK_BEFORE_TOKEN_CLAIM_NAMESPACE: an absolute http(s) URL with a path, as https://example.com/claims/',
    );
  }
  if (problems.length > 0) throw new ConfigError(scope, problems);
  return {
    beforeSignUp,
    beforeToken: beforeToken && namespace ? { ...beforeToken, claimNamespace: namespace } : undefined,
  };
}

export type HookEndpoints = ReturnType<typeof hookEndpointsFromConfig>;
