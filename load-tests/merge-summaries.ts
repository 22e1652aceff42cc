/** One metric of k6's end-of-test summary (the `data.metrics` entries handleSummary receives). */
export interface K6Metric {
  type: 'counter' | 'rate' | 'gauge' | 'trend';
  values: Record<string, number>;
  thresholds?: Record<string, { ok: boolean }>;
}

export interface K6Summary {
  metrics: Record<string, K6Metric>;
}

/** What one k6 process left behind: its exit code, and its summary unless it died before writing one. */
export interface WorkerResult {
  exitCode: number | null;
  summary: K6Summary | null;
}

export interface MergedSummary {
  passed: boolean;
  /** Why the run failed, one line each; empty when it passed. */
  failures: string[];
  iterations: number;
  requests: number;
  /** Each threshold expression per metric, ok only when it held in every worker. */
  thresholds: Record<string, Record<string, boolean>>;
  /**
   * Counters and rates are exact sums over the workers. Trends cannot be merged from summaries:
   * their percentiles and max are the highest any worker saw (an upper bound for the whole run),
   * min the lowest, avg the mean of the workers' averages. Gauges keep the highest value and max,
   * the lowest min: one worker's figures (`vus` counts one process's VUs).
   */
  metrics: Record<string, K6Metric>;
}

const count = (summary: K6Summary | null, metric: string) => summary?.metrics[metric]?.values.count ?? 0;

function mergeMetric(parts: K6Metric[]): K6Metric {
  const [first] = parts as [K6Metric, ...K6Metric[]];
  const sum = (key: string) => parts.reduce((total, part) => total + (part.values[key] ?? 0), 0);
  const keys = [...new Set(parts.flatMap((part) => Object.keys(part.values)))];
  const pick = (key: string, choose: (values: number[]) => number) =>
    choose(parts.map((part) => part.values[key]).filter((value): value is number => value !== undefined));
  switch (first.type) {
    case 'counter':
      return { type: 'counter', values: { count: sum('count'), rate: sum('rate') } };
    case 'rate': {
      const [passes, fails] = [sum('passes'), sum('fails')];
      return { type: 'rate', values: { passes, fails, rate: passes + fails === 0 ? 0 : passes / (passes + fails) } };
    }
    case 'gauge':
      return {
        type: 'gauge',
        values: Object.fromEntries(
          keys.map((key) => [key, pick(key, key === 'min' ? (v) => Math.min(...v) : (v) => Math.max(...v))]),
        ),
      };
    case 'trend':
      return {
        type: 'trend',
        values: Object.fromEntries(
          keys.map((key) => [
            key,
            pick(
              key,
              key === 'min'
                ? (v) => Math.min(...v)
                : key === 'avg'
                  ? (v) => v.reduce((a, b) => a + b, 0) / v.length
                  : (v) => Math.max(...v),
            ),
          ]),
        ),
      };
  }
}

/**
 * Merges the summaries of the N k6 processes that ran one test on execution segments. The run
 * passes only when every process exited 0 and wrote a summary, every threshold held in every
 * process, and iterations and requests were made at all.
 */
export function mergeSummaries(workers: WorkerResult[]): MergedSummary {
  const failures: string[] = [];
  if (workers.length === 0) failures.push('no worker ran');
  workers.forEach(({ exitCode, summary }, index) => {
    if (exitCode !== 0) failures.push(`worker ${index + 1} exited with ${exitCode}`);
    if (!summary) failures.push(`worker ${index + 1} wrote no summary`);
  });
  const summaries = workers.flatMap(({ summary }) => (summary ? [summary] : []));

  const metrics: Record<string, K6Metric> = {};
  for (const name of new Set(summaries.flatMap((summary) => Object.keys(summary.metrics)))) {
    metrics[name] = mergeMetric(summaries.flatMap((summary) => summary.metrics[name] ?? []));
  }

  const thresholds: Record<string, Record<string, boolean>> = {};
  for (const summary of summaries) {
    for (const [name, metric] of Object.entries(summary.metrics)) {
      for (const [expression, { ok }] of Object.entries(metric.thresholds ?? {})) {
        thresholds[name] ??= {};
        thresholds[name][expression] = (thresholds[name][expression] ?? true) && ok;
      }
    }
  }
  for (const [name, expressions] of Object.entries(thresholds)) {
    for (const [expression, ok] of Object.entries(expressions)) {
      if (!ok) failures.push(`threshold ${name}: ${expression} breached`);
    }
  }

  const iterations = summaries.reduce((total, summary) => total + count(summary, 'iterations'), 0);
  const requests = summaries.reduce((total, summary) => total + count(summary, 'http_reqs'), 0);
  if (iterations === 0) failures.push('no iteration ran');
  if (requests === 0) failures.push('no request was made');
  return { passed: failures.length === 0, failures, iterations, requests, thresholds, metrics };
}
