/**
 * Preloaded by every service (`--import @authscale/core/start-telemetry`: the testkit's
 * `serviceNodeFlags` and the image's CMD), so the SDK is running before the app loads: Fastify is
 * CommonJS, and OpenTelemetry patches `node:http` when Fastify first requires it; a meter taken
 * by the app is then the SDK's, not the API's no-op. Configured only by the standard `OTEL_*`
 * variables. With no exporter asked for, the SDK is not even loaded.
 */
import { telemetryWanted } from './telemetry-wanted.ts';

if (telemetryWanted(process.env)) {
  const { startTelemetrySdk } = await import('./start-telemetry-sdk.ts');
  startTelemetrySdk();
}
