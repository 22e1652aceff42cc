import { AuthError } from '@authscale/core';
import { callHook } from './call-hook.ts';
import type { HookEndpoint } from './hook-config.ts';
import { type HookLog, hookFailed } from './hook-failure.ts';

export interface SignUpAttempt {
  /** In the normal form accounts are stored under. */
  email: string;
  method: 'password' | 'oidc';
  ip: string;
}

/** A reason is shown to the person signing up: one line of plain text, at most this long. */
const reasonMaxLength = 200;

/**
 * The before-sign-up hook: resolves when the account may be created, throws 403 `signup_denied`
 * with the receiver's reason when it may not, and applies the endpoint's failure policy when the
 * receiver gives no valid answer. Without an endpoint every sign-up is allowed.
 */
export function beforeSignUpHook(endpoint: HookEndpoint | undefined) {
  return async function checkSignUp(attempt: SignUpAttempt, log: HookLog): Promise<void> {
    if (!endpoint) return;
    const result = await callHook(endpoint, { ...attempt });
    if (!result.ok) return hookFailed(endpoint, result.failure, log);
    const { allow, reason } = (result.answer ?? {}) as { allow?: unknown; reason?: unknown };
    if (allow === true) return;
    if (allow !== false) return hookFailed(endpoint, 'answer_invalid', log);
    const shown = shownReason(reason);
    throw shown ? new AuthError('signup_denied', shown, { shownToCaller: true }) : new AuthError('signup_denied');
  };
}

export type CheckSignUp = ReturnType<typeof beforeSignUpHook>;

/** Control and formatting characters dropped, whitespace runs made one space, cut to length. */
function shownReason(reason: unknown): string | undefined {
  if (typeof reason !== 'string') return undefined;
  const text = reason
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return text ? [...text].slice(0, reasonMaxLength).join('') : undefined;
}
