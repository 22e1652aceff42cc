import { type Attributes, type Context, createContextKey, type Link, type SpanKind } from '@opentelemetry/api';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  type Sampler,
  SamplingDecision,
  type SamplingResult,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace';

/**
 * Head sampling, decided by the server hook before it asks the tracer for anything: starting an
 * unsampled span (ids, the sampler, a span object, a context) cost more CPU than the rest of the
 * edge's cheapest answer. The hook keeps a root request with the probability the standard
 * `OTEL_TRACES_SAMPLER` variables give, and puts its choice in the context; the SDK's sampler,
 * built here from the same variables, reads that choice for the request's root span instead of
 * drawing again, so both agree. A span nobody decided for (a background call) is sampled as the
 * variables say.
 */
type Env = Readonly<Record<string, string | undefined>>;

const rootDecisionKey = createContextKey('authscale head-sampling decision');

interface HeadSampling {
  /** The share of root requests whose trace is kept. */
  readonly rootRatio: number;
  /** Whether a caller's `traceparent` decides (the `parentbased_*` samplers). */
  readonly followsParent: boolean;
}

/** Until the SDK starts, the API's tracer records nothing, so there is nothing to keep. */
let policy: HeadSampling = { rootRatio: 0, followsParent: true };

/** Whether to keep the trace of a request that arrived without one. */
export function keepRootTrace(): boolean {
  return policy.rootRatio >= 1 || (policy.rootRatio > 0 && Math.random() < policy.rootRatio);
}

/** Whether a caller's sampled flag decides the request's, so the hook can read it off the header. */
export function followsParent(): boolean {
  return policy.followsParent;
}

/** `context` carrying the hook's decision for the root span started in it. */
export function withRootDecision(context: Context, keep: boolean): Context {
  return context.setValue(rootDecisionKey, keep);
}

const keepResult: SamplingResult = { decision: SamplingDecision.RECORD_AND_SAMPLED };
const dropResult: SamplingResult = { decision: SamplingDecision.NOT_RECORD };

/** The root sampler: the hook's decision where it made one, `undecided`'s otherwise. */
class DecidedRootSampler implements Sampler {
  readonly #undecided: Sampler;
  constructor(undecided: Sampler) {
    this.#undecided = undecided;
  }
  shouldSample(
    context: Context,
    traceId: string,
    spanName: string,
    spanKind: SpanKind,
    attributes: Attributes,
    links: Link[],
  ): SamplingResult {
    const decided = context.getValue(rootDecisionKey);
    if (decided === undefined)
      return this.#undecided.shouldSample(context, traceId, spanName, spanKind, attributes, links);
    return decided ? keepResult : dropResult;
  }
  toString() {
    return `DecidedRootSampler{${this.#undecided.toString()}}`;
  }
}

/** `OTEL_TRACES_SAMPLER_ARG` as the specification reads it for the ratio samplers: 1 when unset. */
function ratioFrom(env: Env): number {
  const raw = env.OTEL_TRACES_SAMPLER_ARG?.trim() ?? '';
  if (raw === '') return 1;
  const ratio = Number(raw);
  if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1) {
    throw new TypeError(`OTEL_TRACES_SAMPLER_ARG must be a ratio from 0 to 1, got "${raw}"`);
  }
  return ratio;
}

const parentBasedPrefix = 'parentbased_';

/** The root samplers the standard names choose, each with the share of roots it keeps. */
const rootSamplers = {
  always_on: () => ({ root: new AlwaysOnSampler(), rootRatio: 1 }),
  always_off: () => ({ root: new AlwaysOffSampler(), rootRatio: 0 }),
  traceidratio: (env: Env) => {
    const ratio = ratioFrom(env);
    return { root: new TraceIdRatioBasedSampler(ratio), rootRatio: ratio };
  },
} satisfies Record<string, (env: Env) => { root: Sampler; rootRatio: number }>;

/**
 * The SDK's sampler for the standard `OTEL_TRACES_SAMPLER` values (unset means
 * `parentbased_always_on`, the SDK's default), wrapped so the hook's decisions count, and the
 * hook's policy set to match. An unknown value is refused at start: the SDK would trace every
 * request instead, which is not a cost to find out about from a bill.
 */
export function headSamplerFromEnv(env: Env): Sampler {
  const name = env.OTEL_TRACES_SAMPLER?.trim() || 'parentbased_always_on';
  const followsParentChoice = name.startsWith(parentBasedPrefix);
  const rootName = followsParentChoice ? name.slice(parentBasedPrefix.length) : name;
  if (!Object.hasOwn(rootSamplers, rootName)) {
    throw new TypeError(
      `OTEL_TRACES_SAMPLER "${name}" is not one of always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio`,
    );
  }
  const { root, rootRatio } = rootSamplers[rootName as keyof typeof rootSamplers](env);
  policy = { rootRatio, followsParent: followsParentChoice };
  const decided = new DecidedRootSampler(root);
  return followsParentChoice ? new ParentBasedSampler({ root: decided }) : decided;
}
