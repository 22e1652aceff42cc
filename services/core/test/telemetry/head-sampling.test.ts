import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace';
import {
  followsParent,
  headSamplerFromEnv,
  keepRootTrace,
  withRootDecision,
} from '../../src/telemetry/head-sampling.ts';

const traceId = '0af7651916cd43dd8448eb211c80319c';
const decisionOf = (sampler: ReturnType<typeof headSamplerFromEnv>, context = ROOT_CONTEXT) =>
  sampler.shouldSample(context, traceId, 'GET', SpanKind.SERVER, {}, []).decision;
const share = (draws: number) => Array.from({ length: draws }, keepRootTrace).filter(Boolean).length / draws;

describe('head sampling', () => {
  it('keeps root requests at the ratio OTEL_TRACES_SAMPLER_ARG gives', () => {
    headSamplerFromEnv({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' });
    const kept = share(20_000);
    assert.ok(kept > 0.22 && kept < 0.28, `kept ${kept}`);
    assert.equal(followsParent(), true);
    headSamplerFromEnv({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' });
    assert.equal(share(1_000), 0);
    assert.equal(followsParent(), false);
  });

  it('keeps every root request under the SDK default, parentbased_always_on', () => {
    const sampler = headSamplerFromEnv({});
    assert.equal(share(100), 1);
    assert.match(sampler.toString(), /ParentBased.*AlwaysOn/);
  });

  it('hands the draw to the SDK sampler, which would otherwise decide by itself', () => {
    const dropsRoots = headSamplerFromEnv({ OTEL_TRACES_SAMPLER: 'parentbased_always_off' });
    assert.equal(decisionOf(dropsRoots), SamplingDecision.NOT_RECORD);
    assert.equal(decisionOf(dropsRoots, withRootDecision(ROOT_CONTEXT, true)), SamplingDecision.RECORD_AND_SAMPLED);
    const keepsRoots = headSamplerFromEnv({ OTEL_TRACES_SAMPLER: 'always_on' });
    assert.equal(decisionOf(keepsRoots, withRootDecision(ROOT_CONTEXT, false)), SamplingDecision.NOT_RECORD);
  });

  it("follows a caller's sampled flag over the draw where the sampler is parent-based", () => {
    const sampler = headSamplerFromEnv({ OTEL_TRACES_SAMPLER: 'parentbased_always_off' });
    const sampledCaller = trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId: 'b7ad6b7169203331', traceFlags: 1 });
    assert.equal(decisionOf(sampler, withRootDecision(sampledCaller, false)), SamplingDecision.RECORD_AND_SAMPLED);
  });

  it('refuses a sampler or a ratio it does not know, instead of tracing everything', () => {
    assert.throws(
      () => headSamplerFromEnv({ OTEL_TRACES_SAMPLER: 'jaeger_remote' }),
      /OTEL_TRACES_SAMPLER "jaeger_remote"/,
    );
    for (const ratio of ['1.5', '-0.1', 'half'])
      assert.throws(
        () => headSamplerFromEnv({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: ratio }),
        /OTEL_TRACES_SAMPLER_ARG/,
      );
  });
});
