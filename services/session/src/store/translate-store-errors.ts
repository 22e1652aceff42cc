import { AuthError } from '@authscale/core';
import type { SessionStore } from './session-store.ts';

const operations = ['create', 'get', 'touch', 'revoke', 'revokeAll', 'listForUser', 'ping'] as const;

/**
 * The one place where a backend's own errors (pg, node-redis, sockets) become our code: anything
 * that is not already an `AuthError` is `dependency_unavailable`, with the original as `cause`
 * for the logs. Answers never carry driver messages.
 */
export function translateStoreErrors(store: SessionStore): SessionStore {
  const translated: SessionStore = { ...store };
  for (const name of operations) {
    const operation = store[name] as (...args: unknown[]) => Promise<unknown>;
    (translated as unknown as Record<string, unknown>)[name] = async (...args: unknown[]) => {
      try {
        return await operation.apply(store, args);
      } catch (error) {
        throw error instanceof AuthError ? error : new AuthError('dependency_unavailable', undefined, { cause: error });
      }
    };
  }
  return translated;
}
