/** The OTLP endpoint variables: any one of them set asks for an exporter. */
const endpointVariables = [
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT',
] as const;

/** The exporter-choice variables: a value other than `none` asks for one (`console`, an explicit `otlp`). */
const exporterVariables = ['OTEL_TRACES_EXPORTER', 'OTEL_METRICS_EXPORTER'] as const;

/**
 * Whether this process should start the OpenTelemetry SDK: only when the standard variables ask
 * for an exporter and `OTEL_SDK_DISABLED` does not forbid it. The SDK's own default (export OTLP
 * to localhost:4318) would otherwise make every service that nobody observes batch spans and
 * retry sends to a port where nothing listens.
 */
export function telemetryWanted(env: Readonly<Record<string, string | undefined>>): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  if (endpointVariables.some((name) => (env[name] ?? '').trim() !== '')) return true;
  return exporterVariables.some((name) => exporterNames(env[name]).some((exporter) => exporter !== 'none'));
}

/** The exporters an `OTEL_*_EXPORTER` value names, as the specification reads its comma-separated list. */
export function exporterNames(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((exporter) => exporter.trim())
    .filter((exporter) => exporter !== '');
}
