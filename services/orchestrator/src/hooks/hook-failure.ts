import { AuthError } from '@authscale/core';
import type { FastifyBaseLogger } from 'fastify';
import type { HookEndpoint } from './hook-config.ts';

/** The failures where no answer came at all; the rest are answers (or bytes) outside the contract. */
const unreached = new Set(['network_not-sent', 'network_unavailable', 'address_refused']);

export type HookLog = Pick<FastifyBaseLogger, 'warn'>;

/**
 * A hook that failed (no answer in time, an error status, an answer outside its contract): one warn
 * line with the hook's name and the failure code, never the payload, the answer or the secret. Fail
 * open, the caller carries on without the hook; fail closed, the request is refused as a failed
 * dependency, in the contract's own codes (504 on a timeout, 503 unreachable, 502 otherwise).
 */
export function hookFailed(endpoint: HookEndpoint, failure: string, log: HookLog): void {
  log.warn({ hook: endpoint.name, failure, onFailure: endpoint.onFailure }, 'hook failed');
  if (endpoint.onFailure === 'open') return;
  if (failure === 'network_timeout') throw new AuthError('dependency_timeout');
  if (unreached.has(failure)) throw new AuthError('dependency_unavailable');
  throw new AuthError('dependency_failed');
}
