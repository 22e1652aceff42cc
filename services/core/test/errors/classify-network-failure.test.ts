import assert from 'node:assert/strict';
import { type AddressInfo, createServer, connect as netConnect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { connect as tlsConnect } from 'node:tls';
import { freePort, type RawServer, rejectionOf, sharedServers, startRawServer } from '@authscale/testkit';
import {
  ConnectionTimeoutError,
  createClient,
  DisconnectsClientError,
  MaxCommandRedirectionsError,
  TimeoutError as RedisTimeoutError,
  RootNodesUnavailableError,
  SocketTimeoutError,
} from 'redis';
import { Pool } from 'undici';
import { AuthError, classifyNetworkFailure, dependencyError, type NetworkFailure } from '../../src/index.ts';

/** One GET through an undici pool with 200 ms deadlines. */
async function undiciFailure(origin: string, { close = false } = {}) {
  const pool = new Pool(origin, { connectTimeout: 200, headersTimeout: 200, bodyTimeout: 200 });
  if (close) await pool.close();
  try {
    return await rejectionOf(pool.request({ method: 'GET', path: '/' }).then((response) => response.body.text()));
  } finally {
    await pool.destroy();
  }
}

/** Connects node-redis once, without reconnecting. */
function redisConnectFailure(url: string) {
  const client = createClient({ url, socket: { connectTimeout: 200, reconnectStrategy: false } });
  client.on('error', () => {});
  return rejectionOf(client.connect());
}

describe('classifyNetworkFailure over real errors', () => {
  let closedPort: number;
  /** Accepts connections and never writes a byte. */
  let silent: RawServer;
  /** Answers the first bytes it receives with something that is neither HTTP nor TLS. */
  let garbage: RawServer;
  /** Closes the connection once the request arrives. */
  let closing: RawServer;
  /** Resets (RST) the connection once the request arrives. */
  let resetting: RawServer;
  /** Sends response headers, then nothing. */
  let stalling: RawServer;

  before(async () => {
    closedPort = await freePort();
    silent = await startRawServer(() => {});
    garbage = await startRawServer((socket) => socket.once('data', () => socket.end('this is not HTTP\r\n\r\n')));
    closing = await startRawServer((socket) => socket.once('data', () => socket.destroy()));
    resetting = await startRawServer((socket) => socket.once('data', () => socket.resetAndDestroy()));
    stalling = await startRawServer((socket) =>
      socket.once('data', () => socket.write('HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc')),
    );
  });
  after(() => Promise.all([silent, garbage, closing, resetting, stalling].map((server) => server.close())));

  it('not-sent: a refused connection, through a socket, undici, fetch and node-redis', async () => {
    const closed = `127.0.0.1:${closedPort}`;
    const socketError = await new Promise((resolve) =>
      netConnect({ host: '127.0.0.1', port: closedPort }).once('error', resolve),
    );
    assert.equal((socketError as { code?: string }).code, 'ECONNREFUSED');
    assert.equal(classifyNetworkFailure(socketError), 'not-sent');
    assert.equal(classifyNetworkFailure(await undiciFailure(`http://${closed}`)), 'not-sent');
    // fetch wraps it: TypeError('fetch failed', { cause }).
    const fetchError = await rejectionOf(fetch(`http://${closed}/`));
    assert.ok(fetchError instanceof TypeError);
    assert.equal(classifyNetworkFailure(fetchError), 'not-sent');
    assert.equal(classifyNetworkFailure(await redisConnectFailure(`redis://${closed}`)), 'not-sent');
  });

  it('not-sent: a connect that times out (a TLS handshake nobody answers), in undici and node-redis', async () => {
    const undiciError = await undiciFailure(`https://127.0.0.1:${silent.port}`);
    assert.equal((undiciError as { code?: string }).code, 'UND_ERR_CONNECT_TIMEOUT');
    assert.equal(classifyNetworkFailure(undiciError), 'not-sent');
    const redisError = await redisConnectFailure(`rediss://127.0.0.1:${silent.port}`);
    assert.ok(redisError instanceof ConnectionTimeoutError);
    assert.equal(classifyNetworkFailure(redisError), 'not-sent');
  });

  it('not-sent: a TLS handshake with a server that does not speak TLS', async () => {
    const error = await new Promise((resolve) =>
      tlsConnect({ host: '127.0.0.1', port: garbage.port, rejectUnauthorized: false }).once('error', resolve),
    );
    assert.match(String((error as { code?: string }).code), /^ERR_SSL_/);
    assert.equal(classifyNetworkFailure(error), 'not-sent');
  });

  it('timeout: undici waiting for headers or for the body, and AbortSignal.timeout()', async () => {
    const headers = await undiciFailure(`http://127.0.0.1:${silent.port}`);
    assert.equal((headers as { code?: string }).code, 'UND_ERR_HEADERS_TIMEOUT');
    assert.equal(classifyNetworkFailure(headers), 'timeout');
    const body = await undiciFailure(`http://127.0.0.1:${stalling.port}`);
    assert.equal((body as { code?: string }).code, 'UND_ERR_BODY_TIMEOUT');
    assert.equal(classifyNetworkFailure(body), 'timeout');
    const aborted = await rejectionOf(fetch(`http://127.0.0.1:${silent.port}/`, { signal: AbortSignal.timeout(100) }));
    assert.equal((aborted as Error).name, 'TimeoutError');
    assert.equal(classifyNetworkFailure(aborted), 'timeout');
  });

  it('unavailable: the connection closes or resets after the request was sent, or the pool is gone', async () => {
    const closed = await undiciFailure(`http://127.0.0.1:${closing.port}`);
    assert.equal((closed as { code?: string }).code, 'UND_ERR_SOCKET');
    assert.equal(classifyNetworkFailure(closed), 'unavailable');
    const reset = await undiciFailure(`http://127.0.0.1:${resetting.port}`);
    assert.equal((reset as { code?: string }).code, 'ECONNRESET');
    assert.equal(classifyNetworkFailure(reset), 'unavailable');
    const destroyed = await undiciFailure(`http://127.0.0.1:${silent.port}`, { close: true });
    assert.equal((destroyed as { code?: string }).code, 'UND_ERR_DESTROYED');
    assert.equal(classifyNetworkFailure(destroyed), 'unavailable');
  });

  it('malformed-reply: an answer that is not HTTP', async () => {
    const error = await undiciFailure(`http://127.0.0.1:${garbage.port}`);
    assert.equal((error as Error).name, 'HTTPParserError');
    assert.equal(classifyNetworkFailure(error), 'malformed-reply');
  });
});

describe('classifyNetworkFailure over a real Redis', () => {
  let url: string;
  before(async () => {
    ({ url } = (await sharedServers()).redis);
  });

  it('unavailable: the replies of a node that cannot serve now; other error replies are not network failures', async () => {
    const client = createClient({ url });
    await client.connect();
    try {
      const reply = (message: string) =>
        rejectionOf(client.eval(`return redis.error_reply('${message}')`, { keys: [], arguments: [] }));
      for (const word of [
        'LOADING',
        'CLUSTERDOWN',
        'TRYAGAIN',
        'MASTERDOWN',
        'READONLY',
        'NOREPLICAS',
        'BUSY',
        'OOM',
      ]) {
        assert.equal(classifyNetworkFailure(await reply(`${word} the node says no`)), 'unavailable', word);
      }
      assert.equal(classifyNetworkFailure(await reply('WRONGTYPE not a hash')), undefined);
      assert.equal(classifyNetworkFailure(await rejectionOf(client.sendCommand(['NO-SUCH-COMMAND']))), undefined);
    } finally {
      client.destroy();
    }
  });

  it('unavailable in flight, not-sent while offline or closed, when the connection is killed', async () => {
    // The client reaches Redis through a relay that stops taking connections before the kill, so
    // its reconnects are refused and it stays offline for as long as the test needs.
    const redis = new URL(url);
    const relay = createServer((socket) => {
      const upstream = netConnect(Number(redis.port), redis.hostname);
      socket.pipe(upstream).pipe(socket);
      upstream.on('error', () => socket.destroy());
      socket.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    const client = createClient({
      url: `redis://127.0.0.1:${(relay.address() as AddressInfo).port}`,
      disableOfflineQueue: true,
      socket: { reconnectStrategy: () => 50 },
    });
    client.on('error', () => {});
    const admin = createClient({ url });
    await Promise.all([client.connect(), admin.connect()]);
    try {
      const id = await client.clientId();
      const inFlight = rejectionOf(client.blPop(`classify-${id}`, 0));
      relay.close();
      await new Promise((resolve) => setTimeout(resolve, 50));
      await admin.sendCommand(['CLIENT', 'KILL', 'ID', String(id)]);
      const dropped = await inFlight;
      assert.equal((dropped as Error).constructor.name, 'SocketClosedUnexpectedlyError');
      assert.equal(classifyNetworkFailure(dropped), 'unavailable');
      const offline = await rejectionOf(client.get('any'));
      assert.equal((offline as Error).constructor.name, 'ClientOfflineError');
      assert.equal(classifyNetworkFailure(offline), 'not-sent');
      client.destroy();
      const closed = await rejectionOf(client.get('any'));
      assert.equal((closed as Error).constructor.name, 'ClientClosedError');
      assert.equal(classifyNetworkFailure(closed), 'not-sent');
    } finally {
      if (client.isOpen) client.destroy();
      admin.destroy();
      relay.close();
    }
  });
});

/** What a driver raises, built as the driver builds it, where provoking it needs a broken server. */
const made = (message: string, fields: Record<string, unknown>) => Object.assign(new Error(message), fields);
/** Postgres errors as pg's DatabaseError carries them: the SQLSTATE in `code`, with a `severity`. */
const pgServerError = (code: string) => made('from the server', { code, severity: 'ERROR' });
/** AWS SDK service exceptions carry `$metadata`. */
const awsServiceError = (name: string) => made(name, { name, $metadata: { httpStatusCode: 400 } });

const rules: Array<[string, unknown, NetworkFailure | undefined]> = [
  [
    'a connect the kernel gave up on (ETIMEDOUT, syscall connect)',
    made('t', { code: 'ETIMEDOUT', syscall: 'connect' }),
    'not-sent',
  ],
  [
    'an established connection the kernel gave up on (ETIMEDOUT)',
    made('t', { code: 'ETIMEDOUT', syscall: 'read' }),
    'timeout',
  ],
  ['an unresolved name (ENOTFOUND)', made('n', { code: 'ENOTFOUND' }), 'not-sent'],
  ['a DNS failure (EAI_AGAIN)', made('n', { code: 'EAI_AGAIN' }), 'not-sent'],
  ['an unreachable host (EHOSTUNREACH)', made('n', { code: 'EHOSTUNREACH' }), 'not-sent'],
  ['an unreachable network (ENETUNREACH)', made('n', { code: 'ENETUNREACH' }), 'not-sent'],
  ['a broken pipe (EPIPE)', made('p', { code: 'EPIPE' }), 'unavailable'],
  ['an aborted connection (ECONNABORTED)', made('p', { code: 'ECONNABORTED' }), 'unavailable'],
  ['a request on a closing undici pool (UND_ERR_CLOSED)', made('c', { code: 'UND_ERR_CLOSED' }), 'not-sent'],
  [
    'a body shorter than its content-length',
    made('m', { code: 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH' }),
    'malformed-reply',
  ],
  ['an HTTP parser error code (HPE_*)', made('m', { code: 'HPE_INVALID_CONSTANT' }), 'malformed-reply'],
  ['a certificate that does not verify', made('c', { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }), 'not-sent'],
  ['a certificate for another host', made('c', { code: 'ERR_TLS_CERT_ALTNAME_INVALID' }), 'not-sent'],
  ['pg: statement_timeout (57014)', pgServerError('57014'), 'timeout'],
  ['pg: cannot establish a connection (08001)', pgServerError('08001'), 'not-sent'],
  ['pg: connection rejected (08004)', pgServerError('08004'), 'not-sent'],
  ['pg: too many connections (53300)', pgServerError('53300'), 'not-sent'],
  ['pg: cannot connect now (57P03)', pgServerError('57P03'), 'not-sent'],
  ['pg: admin shutdown (57P01)', pgServerError('57P01'), 'unavailable'],
  ['pg: crash shutdown (57P02)', pgServerError('57P02'), 'unavailable'],
  ['pg: lock_timeout (55P03)', pgServerError('55P03'), 'timeout'],
  ['pg: a write on a node that is no longer the writer (25006)', pgServerError('25006'), 'unavailable'],
  ['pg: a serialization failure (40001)', pgServerError('40001'), 'unavailable'],
  ['pg: a deadlock victim (40P01)', pgServerError('40P01'), 'unavailable'],
  ['pg: any other connection exception (08006)', pgServerError('08006'), 'unavailable'],
  ['pg: a unique violation (23505) is not a network failure', pgServerError('23505'), undefined],
  ['a SQLSTATE-like code without a severity is not pg', made('x', { code: '57014' }), undefined],
  ['pg-pool: no client free in time', new Error('timeout exceeded when trying to connect'), 'not-sent'],
  [
    'pg: a client after a connection error',
    new Error('Client has encountered a connection error and is not queryable'),
    'not-sent',
  ],
  ['pg: a client after end()', new Error('Client was closed and is not queryable'), 'not-sent'],
  ['pg: the server went away', new Error('Connection terminated unexpectedly'), 'unavailable'],
  ['pg: query_timeout', new Error('Query read timeout'), 'timeout'],
  [
    'pg-pool: a connect timeout wins over the socket ending under it',
    new Error('Connection terminated due to connection timeout', {
      cause: new Error('Connection terminated unexpectedly'),
    }),
    'not-sent',
  ],
  ['node-redis: a command that timed out', new RedisTimeoutError(), 'timeout'],
  ['node-redis: a socket that stayed silent', new SocketTimeoutError(100), 'timeout'],
  ['node-redis: no cluster node reachable', new RootNodesUnavailableError(), 'not-sent'],
  ['node-redis: commands flushed by a disconnect', new DisconnectsClientError(), 'unavailable'],
  ['node-redis: a redirection storm', new MaxCommandRedirectionsError(), 'unavailable'],
  [
    'AWS SDK: no connection within connectionTimeout',
    made(
      '@smithy/node-http-handler - the request socket did not establish a connection with the server within the configured timeout of 100 ms.',
      { name: 'TimeoutError' },
    ),
    'not-sent',
  ],
  [
    'AWS SDK: requestTimeout',
    made('a request has exceeded the configured 100 ms requestTimeout', { name: 'TimeoutError', code: 'ETIMEDOUT' }),
    'timeout',
  ],
  [
    'AWS SDK: a reset it renamed TimeoutError keeps its code',
    made('r', { name: 'TimeoutError', code: 'ECONNRESET' }),
    'unavailable',
  ],
  ['AWS SDK: throughput exceeded', awsServiceError('ProvisionedThroughputExceededException'), 'unavailable'],
  ['AWS SDK: throttling', awsServiceError('ThrottlingException'), 'unavailable'],
  ['AWS SDK: request limit exceeded', awsServiceError('RequestLimitExceeded'), 'unavailable'],
  ['AWS SDK: service unavailable', awsServiceError('ServiceUnavailable'), 'unavailable'],
  ['AWS SDK: internal server error', awsServiceError('InternalServerError'), 'unavailable'],
  ['AWS SDK: request timeout', awsServiceError('RequestTimeout'), 'timeout'],
  [
    'AWS SDK: a failed condition is not a network failure',
    awsServiceError('ConditionalCheckFailedException'),
    undefined,
  ],
  ["an AWS name on an error that is not the SDK's", made('x', { name: 'InternalServerError' }), undefined],
  ['an abort', made('a', { name: 'AbortError' }), 'timeout'],
  [
    'a wrapper with an unknown code defers to its cause',
    made('Gateway Timeout', {
      code: 'FST_REPLY_FROM_GATEWAY_TIMEOUT',
      cause: made('h', { code: 'UND_ERR_HEADERS_TIMEOUT' }),
    }),
    'timeout',
  ],
  ['a plain error', new Error('something else'), undefined],
  [
    'a JSON parse error',
    (() => {
      try {
        JSON.parse('<');
      } catch (error) {
        return error;
      }
    })(),
    undefined,
  ],
  ['an AuthError', new AuthError('internal'), undefined],
  ['a numeric code (DOMException)', made('x', { code: 23 }), undefined],
  ['not an error', 'ECONNREFUSED', undefined],
  ['nothing', undefined, undefined],
  ['null', null, undefined],
];

describe('classifyNetworkFailure rules', () => {
  for (const [what, error, expected] of rules) {
    it(`${what}: ${expected ?? 'not a network failure'}`, () => {
      assert.equal(classifyNetworkFailure(error), expected);
    });
  }

  it('stops on a cause chain that loops', () => {
    const looping = new Error('loop');
    (looping as { cause?: unknown }).cause = looping;
    assert.equal(classifyNetworkFailure(looping), undefined);
  });
});

describe('dependencyError', () => {
  const cases: Array<[string, unknown, string, number]> = [
    ['not-sent', made('r', { code: 'ECONNREFUSED' }), 'dependency_unavailable', 503],
    ['unavailable', made('r', { code: 'ECONNRESET' }), 'dependency_unavailable', 503],
    ['timeout', pgServerError('57014'), 'dependency_timeout', 504],
    ['malformed-reply', made('m', { name: 'HTTPParserError' }), 'dependency_failed', 502],
    ['no rule', new Error('a bug'), 'internal', 500],
  ];
  for (const [what, error, code, status] of cases) {
    it(`${what} -> ${status} ${code}, the original in cause`, () => {
      const translated = dependencyError(error);
      assert.equal(translated.code, code);
      assert.equal(translated.statusCode, status);
      assert.equal(translated.cause, error);
    });
  }

  it('passes an AuthError through unchanged', () => {
    const refused = new AuthError('rate_limited');
    assert.equal(dependencyError(refused), refused);
  });
});
