import type { IncomingHttpHeaders } from 'node:http';
import { principalHeaderName } from '@authscale/core';
import type { FastifyRequest } from 'fastify';

const internalHeaderPrefix = 'x-authscale-';

/**
 * The trace context headers. The client's are not forwarded: the HTTP client instrumentation
 * writes the edge's own context (the caller's trace, the edge's span as parent), and a second
 * `traceparent` beside it would make the orchestrator's copy unreadable (Node joins the two).
 */
const traceContextHeaders = new Set(['traceparent', 'tracestate', 'baggage']);

/**
 * The headers the orchestrator receives: the client's, minus anything claiming to be ours
 * (`x-authscale-*`) and the trace context (the edge propagates its own), plus the signed
 * principal, the client address we saw and the request id.
 * An API key stops here: the principal says everything the orchestrator needs, and the secret
 * need not travel (or be logged) one hop further.
 */
export function forwardedHeaders(
  request: FastifyRequest,
  headers: IncomingHttpHeaders,
  principal: string | undefined,
): IncomingHttpHeaders {
  const forwarded: IncomingHttpHeaders = {};
  const dropAuthorization = request.user?.kind === 'api_key';
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith(internalHeaderPrefix) || traceContextHeaders.has(name)) continue;
    if (dropAuthorization && name === 'authorization') continue;
    forwarded[name] = value;
  }
  if (principal) forwarded[principalHeaderName] = principal;
  forwarded['x-forwarded-for'] = request.ip;
  forwarded['x-request-id'] = request.id;
  return forwarded;
}
