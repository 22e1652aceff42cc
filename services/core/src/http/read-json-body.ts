import { AuthError } from '../errors.ts';

/**
 * An internal service's answer body as JSON, null when empty. A body that is not JSON is a
 * malformed answer: 502 `dependency_failed`. A failure while reading it (a timeout, a reset) is
 * thrown as it is, for the caller's `dependencyError`.
 */
export async function readJsonBody(body: { text(): Promise<string> }): Promise<unknown> {
  const text = await body.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new AuthError('dependency_failed', undefined, { cause: error });
  }
}
