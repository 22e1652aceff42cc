/**
 * The execution segment of worker `index` (from 0) of `workers`: equal segments of one sequence,
 * so N k6 processes together run exactly the test one process would (k6 splits VUs and arrival
 * rates between them). The local runner passes them as flags, the AWS tasks as k6's
 * `K6_EXECUTION_SEGMENT` and `K6_EXECUTION_SEGMENT_SEQUENCE` variables. None for a single worker.
 */
export function executionSegment(index: number, workers: number): { segment: string; sequence: string } | undefined {
  if (!(Number.isInteger(workers) && workers >= 1 && Number.isInteger(index) && index >= 0 && index < workers)) {
    throw new RangeError(`no worker ${index} of ${workers}`);
  }
  if (workers === 1) return undefined;
  const point = (at: number) => (at === 0 ? '0' : at === workers ? '1' : `${at}/${workers}`);
  return {
    segment: `${point(index)}:${point(index + 1)}`,
    sequence: Array.from({ length: workers + 1 }, (_, at) => point(at)).join(','),
  };
}
