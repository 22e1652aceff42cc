import { OTLPMetricExporter as GrpcMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtobufMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import {
  type AggregationSelector,
  AggregationTemporality,
  AggregationType,
  ConsoleMetricExporter,
  type IMetricReader,
  InstrumentType,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics';
import type { RequestDurationHistogram } from './request-duration-histogram.ts';
import { exporterNames } from './telemetry-wanted.ts';

type Env = Readonly<Record<string, string | undefined>>;

const positive = (env: Env, name: string) => {
  const value = Number(env[name] ?? Number.NaN);
  return Number.isFinite(value) && value > 0 ? value : undefined;
};

/**
 * `OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION`, a standard variable the JS exporters
 * do not read themselves. `base2_exponential_bucket_histogram` sends every SDK histogram as an
 * exponential one, which a collector can hand on as values and counts (CloudWatch takes
 * percentiles of those); unset or `explicit_bucket_histogram`, each keeps its own buckets.
 */
function histogramAggregation(env: Env): { aggregationPreference?: AggregationSelector } {
  const name = 'OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION';
  switch ((env[name] ?? '').trim()) {
    case '':
    case 'explicit_bucket_histogram':
      return {};
    case 'base2_exponential_bucket_histogram':
      return {
        aggregationPreference: (instrument) =>
          instrument === InstrumentType.HISTOGRAM
            ? { type: AggregationType.EXPONENTIAL_HISTOGRAM }
            : { type: AggregationType.DEFAULT },
      };
    default:
      throw new TypeError(
        `${name} "${env[name]}" is not one of explicit_bucket_histogram, base2_exponential_bucket_histogram`,
      );
  }
}

/**
 * The OTLP exporter for `OTEL_EXPORTER_OTLP_{METRICS_,}PROTOCOL`; each reads its endpoint, headers and
 * temporality itself, and is handed the histogram aggregation.
 */
function otlpExporter(env: Env): PushMetricExporter {
  const protocol = (env.OTEL_EXPORTER_OTLP_METRICS_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? '').trim();
  const options = histogramAggregation(env);
  switch (protocol) {
    case 'grpc':
      return new GrpcMetricExporter(options);
    case 'http/json':
      return new JsonMetricExporter(options);
    case '':
    case 'http/protobuf':
      return new ProtobufMetricExporter(options);
    default:
      throw new TypeError(`OTEL_EXPORTER_OTLP_PROTOCOL "${protocol}" is not one of grpc, http/json, http/protobuf`);
  }
}

/**
 * The metric readers the standard `OTEL_METRICS_*` variables ask for, as the Node SDK would make
 * them, each also given `durations` as a producer: OpenTelemetry passes a reader its producers
 * when it is made, so these readers are made here rather than by the SDK.
 */
export function metricReadersFromEnv(env: Env, durations: RequestDurationHistogram): IMetricReader[] {
  const names = new Set(exporterNames(env.OTEL_METRICS_EXPORTER));
  if (names.size === 0) names.add('otlp');
  if (names.has('none')) return [];
  const periodic = (exporter: PushMetricExporter) => {
    const exportIntervalMillis = positive(env, 'OTEL_METRIC_EXPORT_INTERVAL') ?? 60_000;
    return new PeriodicExportingMetricReader({
      exporter,
      exportIntervalMillis,
      exportTimeoutMillis: Math.min(positive(env, 'OTEL_METRIC_EXPORT_TIMEOUT') ?? 30_000, exportIntervalMillis),
      metricProducers: [durations.producerFor(exporter.selectAggregationTemporality?.(InstrumentType.HISTOGRAM))],
    });
  };
  return [...names].map((name) => {
    switch (name) {
      case 'otlp':
        return periodic(otlpExporter(env));
      case 'console':
        return periodic(new ConsoleMetricExporter());
      case 'prometheus': {
        const port = positive(env, 'OTEL_EXPORTER_PROMETHEUS_PORT');
        return new PrometheusExporter({
          ...(env.OTEL_EXPORTER_PROMETHEUS_HOST ? { host: env.OTEL_EXPORTER_PROMETHEUS_HOST } : {}),
          ...(port === undefined ? {} : { port }),
          metricProducers: [durations.producerFor(AggregationTemporality.CUMULATIVE)],
        });
      }
      default:
        throw new TypeError(`OTEL_METRICS_EXPORTER "${name}" is not one of otlp, console, prometheus, none`);
    }
  });
}
