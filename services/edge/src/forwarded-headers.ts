import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyRequest } from 'fastify';

export const principalHeader = 'x-authscale-principal';
const internalHeaderPrefix = 'x-authscale-';

/**
 * The headers the orchestrator receives: the client's, minus anything claiming to be ours
 * (`x-authscale-*`), plus the signed principal, the client address we saw and the request id.
 */
export function forwardedHeaders(
  request: FastifyRequest,
  headers: IncomingHttpHeaders,
  principal: string | undefined,
): IncomingHttpHeaders {
  const forwarded: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith(internalHeaderPrefix)) forwarded[name] = value;
  }
  if (principal) forwarded[principalHeader] = principal;
  forwarded['x-forwarded-for'] = request.ip;
  forwarded['x-request-id'] = request.id;
  return forwarded;
}
