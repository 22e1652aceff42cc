import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { body } from './error-handler.ts';
import { type AuthErrorCode, statusForCode } from './errors.ts';
import { countRefusal } from './telemetry/authscale-metrics.ts';

/**
 * Fastify's `frameworkErrors`: a path that is not valid percent-encoding, or a path parameter past
 * `maxParamLength`, is refused before any route or hook runs. Answered in our shape, with the
 * headers every answer carries, and without echoing the path.
 */
export function frameworkErrorAnswer(headers: Readonly<Record<string, string>>) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    // Counted, not logged at info: as any refusal (`errorHandler`).
    countRefusal('invalid_request', 400);
    request.log.debug({ code: 'invalid_request', cause: error.code }, 'request refused');
    reply.headers({ ...headers, 'x-request-id': request.id });
    return reply.status(400).send(body('invalid_request'));
  };
}

/**
 * Node's `clientError`: a request Node itself could not parse (oversized headers, a broken request
 * line, a client too slow to send its headers) never reaches Fastify, so there is no request id to
 * echo; the answer gets a fresh one, our shape and the same headers, then the connection closes.
 */
export function clientErrorAnswer(headers: Readonly<Record<string, string>>) {
  return (error: NodeJS.ErrnoException, socket: Socket) => {
    // A reset connection has nobody to answer.
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const code: AuthErrorCode = error.code === 'HPE_HEADER_OVERFLOW' ? 'payload_too_large' : 'invalid_request';
    const status = statusForCode(code);
    const payload = JSON.stringify(
      code === 'payload_too_large' ? body(code, 'The request headers are too large.') : body(code),
    );
    const lines = Object.entries({
      ...headers,
      'x-request-id': randomUUID(),
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(payload)),
      connection: 'close',
    }).map(([name, value]) => `${name}: ${value}`);
    if (socket.writable)
      socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${lines.join('\r\n')}\r\n\r\n${payload}`);
    socket.destroy();
  };
}
