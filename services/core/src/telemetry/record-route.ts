import { context } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';

/**
 * Fastify `onRequest` hook: tells the HTTP instrumentation which route matched, so the server span
 * is named `GET /me` and `http.server.request.duration` carries `http.route` (the template, never
 * the path with its ids). Without the SDK the context holds no metadata and this does nothing.
 */
export function recordRoute(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) {
  const metadata = getRPCMetadata(context.active());
  const route = request.routeOptions.url;
  if (metadata?.type === RPCType.HTTP && route !== undefined) metadata.route = route;
  done();
}
