/**
 * How a call to a dependency failed on the way there or back, as far as the caller can tell:
 *
 * - `not-sent`: the request certainly never reached the dependency. No connection was made
 *   (refused, name not resolved, host unreachable, connect or TLS handshake failed or timed out),
 *   or the client would not send it (closed, offline, no pooled connection free in time, the
 *   server refused the connection at start-up). Safe to send again, here or to another replica,
 *   even when the call is not idempotent.
 * - `timeout`: the request was, or may have been, sent and no answer came in time. The dependency
 *   may have acted on it.
 * - `unavailable`: the connection broke during the call, or the dependency said it cannot serve
 *   now (shutting down, loading, cluster down, throttling). It may have acted on it.
 * - `malformed-reply`: the dependency answered with bytes that are not its protocol.
 */
export type NetworkFailure = 'not-sent' | 'timeout' | 'unavailable' | 'malformed-reply';

/** Node socket and DNS codes, undici codes, TLS verification codes. */
const failureByCode = new Map<string, NetworkFailure>([
  ['ECONNREFUSED', 'not-sent'],
  ['ENOTFOUND', 'not-sent'],
  ['EAI_AGAIN', 'not-sent'],
  ['EHOSTUNREACH', 'not-sent'],
  ['ENETUNREACH', 'not-sent'],
  ['ECONNRESET', 'unavailable'],
  ['EPIPE', 'unavailable'],
  ['ECONNABORTED', 'unavailable'],
  ['UND_ERR_CONNECT_TIMEOUT', 'not-sent'],
  // Dispatched on a pool that is closing: undici refuses it before it is written.
  ['UND_ERR_CLOSED', 'not-sent'],
  // A destroyed pool fails its queued and its in-flight requests alike.
  ['UND_ERR_DESTROYED', 'unavailable'],
  ['UND_ERR_SOCKET', 'unavailable'],
  ['UND_ERR_HEADERS_TIMEOUT', 'timeout'],
  ['UND_ERR_BODY_TIMEOUT', 'timeout'],
  ['UND_ERR_RES_CONTENT_LENGTH_MISMATCH', 'malformed-reply'],
  ['ERR_TLS_CERT_ALTNAME_INVALID', 'not-sent'],
  ['ERR_TLS_HANDSHAKE_TIMEOUT', 'not-sent'],
  ['CERT_HAS_EXPIRED', 'not-sent'],
  ['CERT_NOT_YET_VALID', 'not-sent'],
  ['DEPTH_ZERO_SELF_SIGNED_CERT', 'not-sent'],
  ['SELF_SIGNED_CERT_IN_CHAIN', 'not-sent'],
  ['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'not-sent'],
  ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'not-sent'],
]);

/** Postgres SQLSTATEs, on errors the server sent (pg's `DatabaseError`, which has a `severity`). */
const failureBySqlState = new Map<string, NetworkFailure>([
  // query_canceled: statement_timeout (or a cancel request) stopped the statement.
  ['57014', 'timeout'],
  // lock_not_available: lock_timeout stopped a statement that waited for a lock.
  ['55P03', 'timeout'],
  // read_only_sql_transaction: a write reached a node that is no longer the writer (a failover).
  ['25006', 'unavailable'],
  // serialization_failure and deadlock_detected: the server rolled the transaction back; try again.
  ['40001', 'unavailable'],
  ['40P01', 'unavailable'],
  // sqlclient_unable_to_establish_sqlconnection, sqlserver_rejected_establishment.
  ['08001', 'not-sent'],
  ['08004', 'not-sent'],
  // too_many_connections and cannot_connect_now are refusals at connection start-up.
  ['53300', 'not-sent'],
  ['57P03', 'not-sent'],
  // admin_shutdown (a failover, a restart, pg_terminate_backend) and crash_shutdown end a session.
  ['57P01', 'unavailable'],
  ['57P02', 'unavailable'],
]);

/** pg and pg-pool report their own failures with these messages and no code. */
const failureByPgMessage = new Map<string, NetworkFailure>([
  ['timeout exceeded when trying to connect', 'not-sent'],
  ['Connection terminated due to connection timeout', 'not-sent'],
  ['Client has encountered a connection error and is not queryable', 'not-sent'],
  ['Client was closed and is not queryable', 'not-sent'],
  ['Connection terminated unexpectedly', 'unavailable'],
  ['Query read timeout', 'timeout'],
]);

/**
 * Error names and class names. node-redis's classes set no `name`, so their class names count;
 * `TimeoutError` is also the AWS SDK's and AbortSignal.timeout()'s. node-redis's own TimeoutError
 * mostly means the command waited too long to be written, but it also fails written commands, so
 * it is a timeout: never sent again on a guess.
 */
const failureByName = new Map<string, NetworkFailure>([
  ['HTTPParserError', 'malformed-reply'],
  ['ConnectionTimeoutError', 'not-sent'],
  ['ClientClosedError', 'not-sent'],
  ['ClientOfflineError', 'not-sent'],
  ['RootNodesUnavailableError', 'not-sent'],
  ['SocketClosedUnexpectedlyError', 'unavailable'],
  ['DisconnectsClientError', 'unavailable'],
  ['MaxCommandRedirectionsError', 'unavailable'],
  ['SocketTimeoutError', 'timeout'],
  ['TimeoutError', 'timeout'],
  ['AbortError', 'timeout'],
]);

/** AWS SDK service exceptions (they carry `$metadata`): the service answered that it cannot serve now. */
const failureByAwsName = new Map<string, NetworkFailure>([
  ['ProvisionedThroughputExceededException', 'unavailable'],
  ['ThrottlingException', 'unavailable'],
  ['RequestLimitExceeded', 'unavailable'],
  ['ServiceUnavailable', 'unavailable'],
  ['InternalServerError', 'unavailable'],
  ['RequestTimeout', 'timeout'],
]);

/** Redis error replies whose first word says the node cannot serve the command now. */
const unavailableRedisReplies = new Set([
  'CLUSTERDOWN',
  'TRYAGAIN',
  'LOADING',
  'MASTERDOWN',
  'READONLY',
  'NOREPLICAS',
  'BUSY',
  'OOM',
]);

interface Link {
  code?: unknown;
  syscall?: unknown;
  severity?: unknown;
  message?: unknown;
  name?: unknown;
  cause?: unknown;
}

function namesOf(error: Link): string[] {
  const names = typeof error.name === 'string' ? [error.name] : [];
  for (let proto = Object.getPrototypeOf(error); proto && proto !== Object.prototype; ) {
    const name: unknown = proto.constructor?.name;
    if (typeof name === 'string') names.push(name);
    proto = Object.getPrototypeOf(proto);
  }
  return names;
}

function classifyLink(error: Link): NetworkFailure | undefined {
  const code = typeof error.code === 'string' ? error.code : undefined;
  const message = typeof error.message === 'string' ? error.message : '';
  if (code !== undefined) {
    // The kernel gave up on a SYN (connect) or on an established connection (anything else).
    if (code === 'ETIMEDOUT') return error.syscall === 'connect' ? 'not-sent' : 'timeout';
    const failure = failureByCode.get(code);
    if (failure) return failure;
    if (code.startsWith('ERR_SSL_')) return 'not-sent';
    if (code.startsWith('HPE_')) return 'malformed-reply';
    if (typeof error.severity === 'string') {
      return failureBySqlState.get(code) ?? (code.startsWith('08') ? 'unavailable' : undefined);
    }
  }
  const byPgMessage = failureByPgMessage.get(message);
  if (byPgMessage) return byPgMessage;
  const names = namesOf(error);
  if (names.includes('ErrorReply')) {
    return unavailableRedisReplies.has(message.split(' ', 1)[0] ?? '') ? 'unavailable' : undefined;
  }
  if ('$metadata' in error) {
    const failure = names.map((name) => failureByAwsName.get(name)).find(Boolean);
    if (failure) return failure;
  }
  // The AWS SDK's connection timeout is a TimeoutError too; only its message tells it apart.
  if (names.includes('TimeoutError') && /establish(?:ing)? a connection/.test(message)) return 'not-sent';
  return names.map((name) => failureByName.get(name)).find(Boolean);
}

/**
 * The one classification of network failures, for every client of every dependency (undici,
 * fetch, pg, node-redis, the AWS SDK). Looks at the error and then down its `cause` chain, and
 * the outermost error that a rule names decides: a wrapper that knows more than its cause (pg-pool's
 * connection timeout over the socket's "terminated") wins, a wrapper that knows nothing (fetch's
 * "fetch failed") defers to its cause. `undefined` when no rule names it: not a network failure
 * that we know of. docs/failure-modes.md has the table.
 */
export function classifyNetworkFailure(error: unknown): NetworkFailure | undefined {
  let link: unknown = error;
  for (let depth = 0; depth < 8 && typeof link === 'object' && link !== null; depth++) {
    const failure = classifyLink(link as Link);
    if (failure) return failure;
    link = (link as Link).cause;
  }
  return undefined;
}
