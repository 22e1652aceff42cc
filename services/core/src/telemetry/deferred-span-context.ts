import { type Context, type Span, trace } from '@opentelemetry/api';

/**
 * The key under which the API keeps a context's span. It is not exported, so it is learned once,
 * from a context that notes the key `trace.setSpan` sets on it.
 */
const spanKey: symbol = (() => {
  let key: symbol | undefined;
  const noting: Context = {
    getValue: () => undefined,
    setValue(setKey) {
      key = setKey;
      return noting;
    },
    deleteValue: () => noting,
  };
  trace.setSpan(noting, trace.wrapSpanContext({ traceId: '', spanId: '', traceFlags: 0 }));
  if (key === undefined) throw new TypeError('the OpenTelemetry API set no span on a context');
  return key;
})();

/**
 * A request's context whose span is started only when something asks for it: an outgoing call's
 * instrumentation to carry the trace on, or a log line to name it. An unsampled request that
 * calls nothing (the edge's near-cache hit) then costs no span at all. `startSpan(parent, name)`
 * must start the span the request would have had; it is one function for every request, so a
 * request allocates nothing but this context.
 */
export class DeferredSpanContext implements Context {
  readonly #parent: Context;
  readonly #name: string;
  readonly #startSpan: (parent: Context, name: string) => Span;
  #span: Span | undefined;
  #withSpan: Context | undefined;

  constructor(parent: Context, name: string, startSpan: (parent: Context, name: string) => Span) {
    this.#parent = parent;
    this.#name = name;
    this.#startSpan = startSpan;
  }

  getValue(key: symbol): unknown {
    return key === spanKey ? this.#started() : this.#parent.getValue(key);
  }

  setValue(key: symbol, value: unknown): Context {
    return this.#withStartedSpan().setValue(key, value);
  }

  deleteValue(key: symbol): Context {
    return this.#withStartedSpan().deleteValue(key);
  }

  #started(): Span {
    this.#span ??= this.#startSpan(this.#parent, this.#name);
    return this.#span;
  }

  /** An ordinary context holding the span, from which derived contexts are made. */
  #withStartedSpan(): Context {
    this.#withSpan ??= trace.setSpan(this.#parent, this.#started());
    return this.#withSpan;
  }
}
