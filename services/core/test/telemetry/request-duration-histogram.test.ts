import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startOtlpReceiver } from '@authscale/testkit';

import {
  AggregationTemporality,
  DataPointType,
  type HistogramMetricData,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { metricReadersFromEnv } from '../../src/telemetry/metric-readers-from-env.ts';
import { RequestDurationHistogram } from '../../src/telemetry/request-duration-histogram.ts';

const okMe = { 'http.route': '/me', 'http.response.status_code': 200 };
const failedMe = { 'http.route': '/me', 'http.response.status_code': 503 };

/** A real SDK reader and meter provider with `histogram` as its producer, beside one instrument of the SDK's own. */
function readerOf(histogram: RequestDurationHistogram, temporality: AggregationTemporality) {
  const exporter = new InMemoryMetricExporter(temporality);
  const reader = new PeriodicExportingMetricReader({
    exporter,
    exportIntervalMillis: 60_000,
    metricProducers: [histogram.producerFor(temporality)],
  });
  const provider = new MeterProvider({ readers: [reader] });
  const sdkOwn = provider.getMeter('sdk-own').createCounter('sdk.own');
  const durations = async () => {
    sdkOwn.add(1);
    const { resourceMetrics, errors } = await reader.collect();
    assert.deepEqual(errors, []);
    const names = resourceMetrics.scopeMetrics.flatMap((scope) =>
      scope.metrics.map((metric) => metric.descriptor.name),
    );
    assert.ok(names.includes('sdk.own'), 'the SDK’s own metrics are still collected');
    const metric = resourceMetrics.scopeMetrics
      .flatMap((scope) => scope.metrics)
      .find((candidate) => candidate.descriptor.name === 'http.server.request.duration') as HistogramMetricData;
    assert.equal(metric.dataPointType, DataPointType.HISTOGRAM);
    assert.equal(metric.aggregationTemporality, temporality);
    assert.equal(metric.descriptor.unit, 's');
    return metric.dataPoints;
  };
  return { durations, stop: () => provider.shutdown() };
}

describe('RequestDurationHistogram', () => {
  it('hands a reader each series’ buckets, count, sum, minimum and maximum', async () => {
    const histogram = new RequestDurationHistogram();
    const reader = readerOf(histogram, AggregationTemporality.CUMULATIVE);
    for (const seconds of [0.001, 0.004, 0.006, 12]) histogram.record(seconds, okMe);
    histogram.record(0.3, failedMe);
    const [ok, failed] = await reader.durations();
    assert.deepEqual(ok?.attributes, okMe);
    assert.deepEqual(ok?.value.buckets.counts, [2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    assert.equal(ok?.value.buckets.boundaries.length, 14);
    assert.equal(ok?.value.count, 4);
    assert.equal(ok?.value.sum, 0.001 + 0.004 + 0.006 + 12);
    assert.deepEqual([ok?.value.min, ok?.value.max], [0.001, 12]);
    assert.deepEqual(failed?.attributes, failedMe);
    assert.equal(failed?.value.buckets.counts[7], 1, '0.3 s falls in (0.25, 0.5]');
    await reader.stop();
  });

  it('keeps totals for a cumulative reader and starts afresh for a delta reader', async () => {
    const histogram = new RequestDurationHistogram();
    const cumulative = readerOf(histogram, AggregationTemporality.CUMULATIVE);
    const delta = readerOf(histogram, AggregationTemporality.DELTA);
    histogram.record(0.002, okMe);
    assert.equal((await delta.durations())[0]?.value.count, 1);
    histogram.record(0.02, okMe);
    const [sinceLast] = await delta.durations();
    assert.deepEqual([sinceLast?.value.count, sinceLast?.value.min, sinceLast?.value.max], [1, 0.02, 0.02]);
    assert.deepEqual(await delta.durations(), [], 'a quiet interval reports no point');
    assert.equal((await cumulative.durations())[0]?.value.count, 2);
    await Promise.all([cumulative.stop(), delta.stop()]);
  });
});

describe('metricReadersFromEnv', () => {
  const histogram = new RequestDurationHistogram();
  it('makes the readers OTEL_METRICS_EXPORTER names, and none for "none"', async () => {
    assert.deepEqual(metricReadersFromEnv({ OTEL_METRICS_EXPORTER: 'none' }, histogram), []);
    const readers = metricReadersFromEnv({ OTEL_METRICS_EXPORTER: 'otlp,console' }, histogram);
    assert.equal(readers.length, 2);
    assert.ok(readers.every((reader) => reader instanceof PeriodicExportingMetricReader));
    await Promise.all(readers.map((reader) => reader.shutdown()));
  });

  it('sends SDK histograms as exponential ones when OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION asks', async () => {
    const receiver = await startOtlpReceiver();
    const name = 'OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION';
    // The exporter reads its endpoint from the process's environment itself.
    const endpointBefore = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.url;
    try {
      const exportedKind = async (instrument: string, env: Record<string, string>) => {
        const readers = metricReadersFromEnv({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', ...env }, histogram);
        const provider = new MeterProvider({ readers });
        provider
          .getMeter('test')
          .createHistogram(instrument, { unit: 's', advice: { explicitBucketBoundaries: [1, 10] } })
          .record(0.5);
        await provider.shutdown();
        return receiver.metrics().find((metric) => metric.name === instrument)?.kind;
      };
      assert.equal(await exportedKind('default.lag', {}), 'histogram');
      assert.equal(
        await exportedKind('exponential.lag', { [name]: 'base2_exponential_bucket_histogram' }),
        'exponentialHistogram',
      );
    } finally {
      if (endpointBefore === undefined) delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
      else process.env.OTEL_EXPORTER_OTLP_ENDPOINT = endpointBefore;
      await receiver.stop();
    }
    assert.throws(() => metricReadersFromEnv({ [name]: 'summary' }, histogram), new RegExp(name));
  });

  it('refuses an exporter or a protocol it does not know', () => {
    assert.throws(() => metricReadersFromEnv({ OTEL_METRICS_EXPORTER: 'statsd' }, histogram), /OTEL_METRICS_EXPORTER/);
    assert.throws(
      () => metricReadersFromEnv({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/xml' }, histogram),
      /OTEL_EXPORTER_OTLP_PROTOCOL/,
    );
  });
});
