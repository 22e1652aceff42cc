import { Type } from 'typebox';
import { Value } from 'typebox/value';
import { dependencyError } from '../errors/dependency-error.ts';
import { AuthError, type AuthErrorCode } from '../errors.ts';
import { createInternalPool } from '../http/create-internal-pool.ts';
import { readJsonBody } from '../http/read-json-body.ts';
import { isWellFormedApiKey } from './api-key-format.ts';

export interface ApiKeyClientOptions {
  /** Base URL of the service that owns the key records (the orchestrator). */
  baseUrl: string;
  /** The shared `INTERNAL_API_TOKEN`. */
  internalToken: string;
  /** Deadline of one verification. @default 3000 */
  timeoutMs?: number;
  /** @default 64 */
  connections?: number;
}

/** What a live key lets its caller do: act in one tenant, within these scopes. */
export interface VerifiedApiKey {
  keyId: string;
  tenantId: string;
  scopes: string[];
}

const verifiedApiKeySchema = Type.Object({
  keyId: Type.String({ minLength: 1, maxLength: 64 }),
  tenantId: Type.String({ minLength: 1, maxLength: 128 }),
  scopes: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 32 }),
});

/** The owner's outage codes pass through; anything else it answers is its failure, not the caller's. */
function failureOf(body: unknown): AuthError {
  const code = (body as { error?: { code?: AuthErrorCode } } | null)?.error?.code;
  return new AuthError(code?.startsWith('dependency_') ? code : 'dependency_failed');
}

/**
 * Asks the owner of the key records whether an API key is live, on every request: nothing is
 * cached, so a revoked key is refused from the next request on. `null` means "not a live key";
 * an outage surfaces as a `dependency_*` AuthError, never as 401.
 */
export function createApiKeyClient({
  baseUrl,
  internalToken,
  timeoutMs = 3000,
  connections = 64,
}: ApiKeyClientOptions) {
  if (typeof internalToken !== 'string' || internalToken.length < 32) {
    throw new TypeError('createApiKeyClient: internalToken must be a string of at least 32 characters');
  }
  if (!(timeoutMs > 0)) throw new TypeError('createApiKeyClient: timeoutMs must be positive');
  const pool = createInternalPool({ origin: baseUrl, timeoutMs, connections });
  const authorization = `Bearer ${internalToken}`;

  return Object.freeze({
    async verify(key: string): Promise<VerifiedApiKey | null> {
      if (!isWellFormedApiKey(key)) return null;
      let status: number;
      let body: unknown;
      try {
        const response = await pool.request({
          method: 'POST',
          path: '/internal/api-keys/verify',
          headers: { authorization, 'content-type': 'application/json' },
          body: JSON.stringify({ key }),
        });
        status = response.statusCode;
        body = await readJsonBody(response.body);
      } catch (error) {
        throw dependencyError(error);
      }
      if (status === 401) return null;
      if (status !== 200) throw failureOf(body);
      if (!Value.Check(verifiedApiKeySchema, body)) throw new AuthError('dependency_failed');
      const { keyId, tenantId, scopes } = body;
      return { keyId, tenantId, scopes };
    },

    close: () => pool.close(),
  });
}

export type ApiKeyClient = ReturnType<typeof createApiKeyClient>;
