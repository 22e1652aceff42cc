import { type AuthError, dependencyError } from '@authscale/core';

/**
 * DynamoDB and network failures mapped onto our codes once, with core's `dependencyError` as in
 * every service: throttling, a service error, a refused or lost connection are
 * `dependency_unavailable`, a timeout `dependency_timeout`, anything else (a validation error, a
 * missing table: our mistakes) `internal`. The original stays in `cause`.
 */
export function translateDynamoDbError(error: unknown): AuthError {
  return dependencyError(error);
}

/** Runs one DynamoDB call, its failure translated by `translateDynamoDbError`. */
export async function callDynamoDb<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw translateDynamoDbError(error);
  }
}
