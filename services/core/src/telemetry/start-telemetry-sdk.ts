import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation, type UndiciRequest } from '@opentelemetry/instrumentation-undici';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { headSamplerFromEnv } from './head-sampling.ts';
import { metricReadersFromEnv } from './metric-readers-from-env.ts';
import { probePaths } from './probe-paths.ts';
import { redactQuery, secretQueryParams } from './redact-query.ts';
import { requestDurations } from './request-duration-histogram.ts';

const pathOf = (url: string) => url.split('?', 1)[0] as string;

/**
 * Starts the OpenTelemetry SDK as the `OTEL_*` variables configure it (exporters, protocol,
 * sampler, service name, resource), with the two client instrumentations the services need:
 * `node:http` for the AWS SDK's calls, undici for the internal clients and the edge's proxy
 * (through its diagnostics channels). Neither records a header unless told to; query strings are
 * redacted on both. The server side is `serverTelemetry`, through Fastify's hooks; the sampler and
 * the metric readers are made here from the same variables, so that its head-sampling decisions
 * and its request durations reach the SDK. Returns the SDK so a caller can shut it down.
 */
export function startTelemetrySdk(): NodeSDK {
  const sdk = new NodeSDK({
    sampler: headSamplerFromEnv(process.env),
    metricReaders: metricReadersFromEnv(process.env, requestDurations),
    instrumentations: [
      new HttpInstrumentation({
        disableIncomingRequestInstrumentation: true,
        redactedQueryParams: [...secretQueryParams],
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
