import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { pino } from 'pino';
import { loggerOptions } from '../../src/index.ts';

describe('log lines and traces', () => {
  // What the SDK registers when it starts; without one no span is ever active.
  before(() => context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable()));
  after(() => context.disable());

  function logged(write: (logger: pino.Logger) => void) {
    const lines: Record<string, unknown>[] = [];
    const logger = pino(loggerOptions({ service: 'test', level: 'info' }), {
      write: (line: string) => lines.push(JSON.parse(line)),
    });
    write(logger);
    return lines;
  }

  it('carries the active span’s trace and span ids', async () => {
    const spanContext = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 };
    const inSpan = trace.setSpan(context.active(), trace.wrapSpanContext(spanContext));
    const lines = await context.with(inSpan, async () => {
      await Promise.resolve();
      return logged((logger) => logger.warn('inside a request'));
    });
    assert.equal(lines[0]?.trace_id, spanContext.traceId);
    assert.equal(lines[0]?.span_id, spanContext.spanId);
  });

  it('carries nothing more outside a span', () => {
    const [line] = logged((logger) => logger.warn('at start'));
    assert.equal(line?.trace_id, undefined);
    assert.equal(line?.span_id, undefined);
  });
});
