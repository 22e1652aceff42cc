import { Pool } from 'undici';

export interface InternalPoolOptions {
  /** Where the service listens, e.g. `http://10.0.1.7:8081`; a path is ignored. */
  origin: string;
  /** The deadline of each phase of a call: connecting, the answer's headers, each gap in its body. */
  timeoutMs: number;
  /** Keep-alive connections. */
  connections: number;
}

/**
 * The keep-alive pool to one internal service (a session replica, the owner of the API keys), the
 * same for every client in core: HTTP/1.1 without pipelining, and per-phase deadlines on the pool
 * rather than an AbortSignal timer per call: the same bound on a hung peer, less work on the hot
 * path. A connect that times out never sent the request (`classifyNetworkFailure`: `not-sent`);
 * headers or body that time out did.
 */
export function createInternalPool({ origin, timeoutMs, connections }: InternalPoolOptions): Pool {
  if (!(timeoutMs > 0)) throw new TypeError('createInternalPool: timeoutMs must be positive');
  return new Pool(new URL(origin).origin, {
    connections,
    pipelining: 1,
    connectTimeout: timeoutMs,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
}
