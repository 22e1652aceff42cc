import { AuthError } from '@authscale/core';
import type { onRequestHookHandler } from 'fastify';

// A percent-encoded unreserved character (RFC 3986 section 2.3: letters, digits, - . _ ~), which
// a canonical URI never encodes.
const encodedUnreserved = /%(?:[46][1-9a-f]|[57][0-9a]|3[0-9]|2[de]|5f|7e)/i;

/** Whether a request path is spelled the one way a client has reason to spell it. */
export function isCanonicalPath(path: string): boolean {
  return !encodedUnreserved.test(path) && !/\/\.{1,2}(?:\/|$)|\/\//.test(path);
}

/**
 * Refuses a path that the router would decode into a route but that is not how any client spells
 * it (`/auth/%6cogin`, `/auth/./login`, `/auth//login`): such spellings exist only to slip past a
 * rule that matches the spelled path, like the WAF's stricter rate on the credential paths.
 * A callback hook that scans the path only when it holds a `%`, `/.` or `//`.
 */
export const refuseNonCanonicalPaths: onRequestHookHandler = (request, _reply, done) => {
  const { url } = request;
  const end = url.indexOf('?');
  const path = end === -1 ? url : url.slice(0, end);
  const suspicious = path.includes('%') || path.includes('/.') || path.includes('//');
  done(
    suspicious && !isCanonicalPath(path)
      ? new AuthError('invalid_request', 'The path is not in canonical form.')
      : undefined,
  );
};
