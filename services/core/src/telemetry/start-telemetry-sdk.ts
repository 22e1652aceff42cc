import type { IncomingMessage } from 'node:http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation, type UndiciRequest } from '@opentelemetry/instrumentation-undici';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { redactQuery, secretQueryParams } from './redact-query.ts';

/**
 * Probes, not traffic: a load balancer's and the session client's health checks would otherwise
 * make a trace each, every second, on every service.
 */
const probePaths = new Set(['/healthz', '/readyz']);
const pathOf = (url: string | undefined) => (url ?? '').split('?', 1)[0] as string;

/**
 * Starts the OpenTelemetry SDK as the `OTEL_*` variables configure it (exporters, protocol,
 * sampler, service name, resource), with the two instrumentations the services need: `node:http`
 * for every service's server side (and the AWS SDK's calls), undici for the internal clients and
 * the edge's proxy (through its diagnostics channels). Neither records a header unless told to;
 * query strings are redacted on both. Returns the SDK so a caller can shut it down.
 */
export function startTelemetrySdk(): NodeSDK {
  const sdk = new NodeSDK({
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request: IncomingMessage) => probePaths.has(pathOf(request.url)),
        redactedQueryParams: [...secretQueryParams],
        redactedQueryParamsServer: [...secretQueryParams],
      }),
      new UndiciInstrumentation({
        ignoreRequestHook: (request: UndiciRequest) => probePaths.has(pathOf(request.path)),
        startSpanHook: (request: UndiciRequest) => {
          const url = new URL(request.path, request.origin);
          if (url.search === '') return {};
          const redacted = redactQuery(url);
          return { 'url.full': redacted.href, 'url.query': redacted.search };
        },
      }),
    ],
  });
  sdk.start();
  return sdk;
}
