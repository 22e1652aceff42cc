import { STATUS_CODES } from 'node:http';
import { type AuthErrorCode, bearerChallenge, defaultMessageFor, statusForCode } from '@authscale/core';

/** Where the document keeps the one error shape every refusal has. */
export const errorBodyReference = '#/components/schemas/ErrorBody';

/** What a status adds to its codes' messages: the answers the edge gives before any route runs. */
const statusNotes: Partial<Record<number, string>> = {
  400: 'Also a body that is not JSON or has a `__proto__` key or a `constructor.prototype` anywhere (refused as prototype poisoning, even inside an open object), and a path not spelled canonically (percent-encoded letters, `/./`, `//`).',
  401: 'No valid session cookie or bearer token, or credentials that do not check out.',
  403: 'Also a state-changing request that carries the session cookie without an allowed `Origin`, or comes from a foreign `Origin` (CSRF), and an API key on a route it may not use.',
  413: 'A body past 64 KiB, or request headers past the server limit.',
  429: "The edge's per-IP limit, or the route's own limit on guesses.",
  503: 'Also: sign-in, MFA and refresh refuse rather than run without their rate-limit counters.',
};

/** Headers a refusal of that status always carries. */
const statusHeaders: Partial<Record<number, Record<string, unknown>>> = {
  401: {
    'WWW-Authenticate': {
      type: 'string',
      description: `The challenge: \`${bearerChallenge}\`, with \`error="invalid_token"\` when a bearer token was refused.`,
      required: true,
    },
  },
  429: {
    'Retry-After': {
      type: 'string',
      pattern: '^[0-9]+$',
      description: 'Seconds until a retry may succeed.',
      required: true,
    },
  },
};

/**
 * The documented refusals of a route, one response per status, each naming its codes with the
 * catalogue's messages and pointing at the shared `ErrorBody` schema.
 */
export function errorResponses(
  codes: readonly AuthErrorCode[],
  notes: Partial<Record<number, string>> = statusNotes,
): Record<string, Record<string, unknown>> {
  const byStatus = new Map<number, AuthErrorCode[]>();
  for (const code of codes) {
    const status = statusForCode(code);
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<string, Record<string, unknown>> = {};
  for (const [status, statusCodes] of [...byStatus].sort(([a], [b]) => a - b)) {
    const named = statusCodes.map((code) => `\`${code}\`: ${defaultMessageFor(code)}`).join(' ');
    const note = notes[status];
    responses[status] = {
      description: `${STATUS_CODES[status]}. ${named}${note ? ` ${note}` : ''}`,
      ...(statusHeaders[status] ? { headers: statusHeaders[status] } : {}),
      $ref: errorBodyReference,
    };
  }
  return responses;
}
