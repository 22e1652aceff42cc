import { metrics, ProxyTracerProvider, trace } from '@opentelemetry/api';

interface Flushable {
  forceFlush?: () => Promise<unknown>;
}

/**
 * Sends what the SDK still holds (spans in their batch, the metrics since the last export) before
 * the process exits; resolves at once when the SDK never started. The preload that started the SDK
 * keeps no handle to it, so the providers are reached through the API's globals.
 */
export async function flushTelemetry(): Promise<void> {
  const tracerProvider = trace.getTracerProvider();
  const providers = [
    tracerProvider instanceof ProxyTracerProvider ? tracerProvider.getDelegate() : tracerProvider,
    metrics.getMeterProvider(),
  ] as Flushable[];
  await Promise.allSettled(providers.map((provider) => provider.forceFlush?.()));
}
