import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { waitFor } from '../child-processes.ts';
import { loopbackUrl } from '../topology/loopback-url.ts';

/** An OTLP attribute as the JSON encoding spells it (`{key, value: {stringValue}}`, ...). */
interface OtlpAttribute {
  key: string;
  value: { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number };
}

/** One span as received, with the service that sent it. */
export interface ReceivedSpan {
  service: string;
  name: string;
  /** 1 internal, 2 server, 3 client (the OTLP `SpanKind` numbers). */
  kind: number;
  traceId: string;
  spanId: string;
  /** Empty for a root span. */
  parentSpanId: string;
  attributes: Record<string, string | number | boolean | undefined>;
}

/** One metric as received: its name, its service, its kind, and its data points' attributes. */
export interface ReceivedMetric {
  service: string;
  name: string;
  unit: string;
  /** The OTLP data field it came in: `sum`, `gauge`, `histogram` or `exponentialHistogram`. */
  kind: string;
  points: Record<string, string | number | boolean | undefined>[];
}

export interface OtlpReceiver {
  /** `http://127.0.0.1:<port>`: what `OTEL_EXPORTER_OTLP_ENDPOINT` should say (with `http/json`). */
  url: string;
  /** Every export request received, whatever its signal or encoding. */
  requests(): { path: string; contentType: string }[];
  spans(): ReceivedSpan[];
  metrics(): ReceivedMetric[];
  /** Resolves once `ready` holds for what has arrived; times out with `what` in the error. */
  waitUntil<T>(ready: () => T | undefined, what: string, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
}

const attributeValue = ({ value }: OtlpAttribute) =>
  value.stringValue ??
  (value.intValue === undefined ? undefined : Number(value.intValue)) ??
  value.boolValue ??
  value.doubleValue;
const attributesOf = (attributes: OtlpAttribute[] = []) =>
  Object.fromEntries(attributes.map((attribute) => [attribute.key, attributeValue(attribute)]));
const serviceOf = (resource: { attributes?: OtlpAttribute[] } | undefined) =>
  String(attributesOf(resource?.attributes)['service.name'] ?? '');

async function bodyOf(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  return request.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
}

/**
 * A plain HTTP server that takes OTLP exports as a collector does (`POST /v1/traces`,
 * `/v1/metrics`, `/v1/logs`), answers each with success, and keeps what arrives in the JSON
 * encoding (`OTEL_EXPORTER_OTLP_PROTOCOL=http/json`) for a test to read; other encodings are
 * counted only.
 */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const requests: { path: string; contentType: string }[] = [];
  const spans: ReceivedSpan[] = [];
  const metrics: ReceivedMetric[] = [];
  const server = createServer(async (request, response) => {
    const path = request.url ?? '';
    const contentType = request.headers['content-type'] ?? '';
    requests.push({ path, contentType });
    const body = await bodyOf(request);
    if (contentType.startsWith('application/json') && path === '/v1/traces') {
      for (const { resource, scopeSpans = [] } of JSON.parse(body.toString()).resourceSpans ?? []) {
        for (const scope of scopeSpans) {
          for (const span of scope.spans ?? []) {
            spans.push({
              service: serviceOf(resource),
              name: span.name,
              kind: span.kind,
              traceId: span.traceId,
              spanId: span.spanId,
              parentSpanId: span.parentSpanId ?? '',
              attributes: attributesOf(span.attributes),
            });
          }
        }
      }
    } else if (contentType.startsWith('application/json') && path === '/v1/metrics') {
      for (const { resource, scopeMetrics = [] } of JSON.parse(body.toString()).resourceMetrics ?? []) {
        for (const scope of scopeMetrics) {
          for (const metric of scope.metrics ?? []) {
            const kind = ['histogram', 'sum', 'gauge', 'exponentialHistogram'].find((field) => field in metric) ?? '';
            const data = metric[kind] ?? {};
            metrics.push({
              service: serviceOf(resource),
              name: metric.name,
              unit: metric.unit ?? '',
              kind,
              points: (data.dataPoints ?? []).map((point: { attributes?: OtlpAttribute[] }) =>
                attributesOf(point.attributes),
              ),
            });
          }
        }
      }
    }
    response.writeHead(200, { 'content-type': contentType || 'application/json' }).end('{}');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: loopbackUrl(port),
    requests: () => [...requests],
    spans: () => [...spans],
    metrics: () => [...metrics],
    waitUntil: (ready, what, timeoutMs = 30_000) => waitFor(async () => ready(), { what, timeoutMs }),
    async stop() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
