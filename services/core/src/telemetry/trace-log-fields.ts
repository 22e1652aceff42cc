import { trace } from '@opentelemetry/api';

/**
 * pino's `mixin`: the active span's ids on every log line written inside it, under the names the
 * OpenTelemetry log data model gives them, so a log line leads to its trace. Without the SDK no
 * span is ever active and lines carry nothing more.
 */
export function traceLogFields(): { trace_id?: string; span_id?: string } {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}
