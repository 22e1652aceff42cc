import { AuthError } from '@authscale/core';

const timeoutNames = new Set(['TimeoutError', 'RequestTimeout', 'AbortError']);

/** DynamoDB and network failures mapped onto our codes once; the original stays in `cause`. */
export function translateDynamoDbError(error: unknown): AuthError {
  if (error instanceof AuthError) return error;
  const name = (error as { name?: string } | null)?.name ?? '';
  const code = (error as { code?: string } | null)?.code ?? '';
  if (timeoutNames.has(name) || code === 'ETIMEDOUT')
    return new AuthError('dependency_timeout', undefined, { cause: error });
  if (
    name === 'ProvisionedThroughputExceededException' ||
    name === 'ThrottlingException' ||
    name === 'RequestLimitExceeded' ||
    name === 'ServiceUnavailable' ||
    name === 'InternalServerError' ||
    code === 'ECONNREFUSED' ||
    code === 'ECONNRESET'
  ) {
    return new AuthError('dependency_unavailable', undefined, { cause: error });
  }
  return new AuthError('internal', undefined, { cause: error });
}

/** Runs one DynamoDB call, its failure translated by `translateDynamoDbError`. */
export async function callDynamoDb<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw translateDynamoDbError(error);
  }
}
