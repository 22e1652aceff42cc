import { type Attributes, type HrTime, ValueType } from '@opentelemetry/api';
import { emptyResource } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  type CollectionResult,
  type DataPoint,
  DataPointType,
  type Histogram,
  type MetricProducer,
} from '@opentelemetry/sdk-metrics';

/** The semantic conventions' boundaries for `http.server.request.duration`, in seconds. */
const boundaries = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

const descriptor = {
  name: 'http.server.request.duration',
  description: 'Duration of HTTP server requests.',
  unit: 's',
  valueType: ValueType.DOUBLE,
};

/** One attribute set's measurements since its reader last reset them (a delta reader) or ever. */
interface Cell {
  readonly counts: number[];
  sum: number;
  count: number;
  min: number;
  max: number;
}

const emptyCell = (): Cell => ({
  counts: boundaries.map(() => 0).concat(0),
  sum: 0,
  count: 0,
  min: Infinity,
  max: -Infinity,
});
const hrTimeOf = (milliseconds: number): HrTime => [Math.trunc(milliseconds / 1000), (milliseconds % 1000) * 1e6];

/** The cells of one reader, which collects them with the temporality its exporter asked for. */
class ReaderCells implements MetricProducer {
  readonly cells = new Map<Attributes, Cell>();
  readonly #temporality: AggregationTemporality;
  #since = Date.now();

  constructor(temporality: AggregationTemporality) {
    this.#temporality = temporality;
  }

  record(seconds: number, attributes: Attributes, bucket: number) {
    let cell = this.cells.get(attributes);
    if (cell === undefined) {
      cell = emptyCell();
      this.cells.set(attributes, cell);
    }
    cell.counts[bucket] = (cell.counts[bucket] as number) + 1;
    cell.sum += seconds;
    cell.count += 1;
    if (seconds < cell.min) cell.min = seconds;
    if (seconds > cell.max) cell.max = seconds;
  }

  async collect(): Promise<CollectionResult> {
    const now = Date.now();
    const [startTime, endTime] = [hrTimeOf(this.#since), hrTimeOf(now)];
    const dataPoints: DataPoint<Histogram>[] = [];
    for (const [attributes, { counts, sum, count, min, max }] of this.cells) {
      if (count === 0) continue;
      dataPoints.push({
        attributes,
        startTime,
        endTime,
        value: { buckets: { boundaries, counts: [...counts] }, sum, count, min, max },
      });
    }
    if (this.#temporality === AggregationTemporality.DELTA) {
      // Attribute sets are few and fixed (route, method, scheme, status), so their cells stay.
      for (const cell of this.cells.values()) Object.assign(cell, emptyCell());
      this.#since = now;
    }
    return {
      resourceMetrics: {
        // The reader reports the SDK's resource; a producer's own is not used.
        resource: emptyResource(),
        scopeMetrics: [
          {
            scope: { name: '@authscale/core' },
            metrics: [
              {
                descriptor,
                aggregationTemporality: this.#temporality,
                dataPointType: DataPointType.HISTOGRAM,
                dataPoints,
              },
            ],
          },
        ],
      },
      errors: [],
    };
  }
}

/**
 * `http.server.request.duration`, aggregated here and handed to each metric reader when it
 * collects (a `MetricProducer`). The SDK's own histogram hashes a measurement's attributes on
 * every `record`, which cost the edge's cheapest answer a tenth of its throughput; here the
 * caller passes one attributes object per series, kept by identity, and a measurement is a map
 * lookup and a few additions per reader.
 */
export class RequestDurationHistogram {
  readonly #readers: ReaderCells[] = [];

  /** A producer to give one metric reader at its construction, with that reader's temporality. */
  producerFor(temporality: AggregationTemporality | undefined): MetricProducer {
    const reader = new ReaderCells(temporality ?? AggregationTemporality.CUMULATIVE);
    this.#readers.push(reader);
    return reader;
  }

  /** `attributes` must be the same object for every measurement of one series. */
  record(seconds: number, attributes: Attributes): void {
    if (this.#readers.length === 0) return;
    let bucket = 0;
    while (bucket < boundaries.length && seconds > (boundaries[bucket] as number)) bucket += 1;
    for (const reader of this.#readers) reader.record(seconds, attributes, bucket);
  }
}

/** The one histogram of this process: the server hook records into it, the SDK's readers collect it. */
export const requestDurations = new RequestDurationHistogram();
