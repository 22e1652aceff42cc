import { setTimeout as sleep } from 'node:timers/promises';
import { clusterTopologyRefreshMs } from '@authscale/core';
import calculateSlot from 'cluster-key-slot';
import { createClient, createCluster, type RedisClientType, type RedisClusterType } from 'redis';

/**
 * What the Redis store needs from a single node or a cluster, so one store implementation serves
 * both. Two connections per node: `reader` carries the near cache (RESP3 client tracking), and
 * `writer` carries writes and `WAIT`, which blocks its connection until replicas acknowledge and
 * must not hold up reads queued behind it.
 */
export interface RedisConnection {
  /** HGETALL through the reader: answered from the near cache when it is on and warm. */
  readHash(key: string): Promise<Record<string, string>>;
  /** HGET through the reader, near-cached like `readHash`; null when the field is absent. */
  readField(key: string, field: string): Promise<string | null>;
  /** EVALSHA on the writer (EVAL on NOSCRIPT); every key shares one hash tag. */
  runScript(script: LuaScript, keys: string[], args: string[]): Promise<unknown>;
  /** `WAIT replicas timeoutMs` on the writer connection of the node that owns `key`. */
  waitForReplicas(key: string, replicas: number, timeoutMs: number): Promise<number>;
  /**
   * How many replicas the primary that owns `key` counts online (`INFO replication`), remembered
   * for a second per primary unless `fresh`.
   */
  replicasOnline(key: string, options?: { fresh?: boolean }): Promise<number>;
  /** `WAIT` on every primary at once: true when each has `replicas` acknowledgements. */
  waitForReplicasEverywhere(replicas: number, timeoutMs: number): Promise<boolean>;
  ping(): Promise<void>;
  /** Called on every (re)connection to a node after the first: the topology may have changed. */
  onReconnected(listener: () => void): void;
  /**
   * Drops this replica's cached copy of a key it just wrote: Redis' invalidation reaches the
   * reader connection asynchronously, and a read right after our own write must not miss it.
   */
  forget(key: string): void;
  /** Entries in the near cache (0 when it is off). */
  nearCacheSize(): number;
  close(): Promise<void>;
}

export interface LuaScript {
  source: string;
  sha1: string;
}

export interface NearCacheOptions {
  /** Safety TTL: an entry is dropped after this long even without an invalidation. */
  ttlMs: number;
  maxEntries: number;
}

export interface ConnectRedisOptions {
  /** `redis://host:port` of a single node, or of some cluster nodes when `cluster` is true. */
  urls: string[];
  cluster: boolean;
  /** The ACL user on every node; needs `password`. @default `default` */
  username?: string;
  /** AUTH password of every node. @default none */
  password?: string;
  /**
   * TLS to every node, the discovered ones included; the URLs must then be `rediss://` (node-redis
   * refuses a scheme that disagrees). @default false
   */
  tls?: boolean;
  /** Off: every read goes to Redis. */
  nearCache: NearCacheOptions | null;
  /** `CLIENT SETNAME` prefix, so operators (and tests) can tell the connections apart. @default 'authscale-session' */
  name?: string;
}

// Commands fail at once while a node is unreachable instead of queueing: the store retries reads
// on its own deadline, and a write must fail rather than run later, after its caller gave up.
const socket = { connectTimeout: 2_000, reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 500) };

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}

/** The commands the store uses; both node-redis clients and clusters have them. */
interface Commands {
  hGetAll(key: string): Promise<unknown>;
  hGet(key: string, field: string): Promise<unknown>;
  evalSha(sha1: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  eval(source: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  close(): Promise<unknown>;
  readonly clientSideCache?: { size(): number; invalidate(key: string | null): void } | undefined;
}

interface Pair {
  reader: Commands;
  writer: Commands;
  /** Reads a key from a replica of its shard: the fallback while the primary is unreachable. */
  readFromReplica?: <T>(key: string, read: (client: Commands) => Promise<T>) => Promise<T>;
  closeExtra?: () => Promise<unknown>;
  /** The writer's connection to the primary that owns `key`: where WAIT for a write to it goes. */
  primaryOf(key: string): Promise<{ sendCommand(args: string[]): Promise<unknown> }>;
  waitEverywhere(args: string[]): Promise<unknown[]>;
  ping(): Promise<void>;
}

/** Replicas in `INFO replication` whose link is up and synced (`state=online`). */
const onlineIn = (info: string) => info.split('\n').filter((line) => /^slave\d+:.*state=online/.test(line)).length;

function connectionOver(
  { reader, writer, readFromReplica, closeExtra, primaryOf, waitEverywhere, ping }: Pair,
  listeners: Array<() => void>,
): RedisConnection {
  const onlineCounts = new WeakMap<object, { count: number; at: number }>();
  const read = async <T>(key: string, command: (client: Commands) => Promise<T>): Promise<T> => {
    try {
      return await command(reader);
    } catch (error) {
      if (!readFromReplica) throw error;
      // The primary's failure is the one worth reporting if the replica cannot answer either.
      return readFromReplica(key, command).catch(() => Promise.reject(error));
    }
  };
  return {
    readHash: (key) => read(key, (client) => client.hGetAll(key) as Promise<Record<string, string>>),
    readField: (key, field) => read(key, (client) => client.hGet(key, field) as Promise<string | null>),
    async runScript(script, keys, args) {
      try {
        return await writer.evalSha(script.sha1, { keys, arguments: args });
      } catch (error) {
        if (!isNoScript(error)) throw error;
        return writer.eval(script.source, { keys, arguments: args });
      }
    },
    waitForReplicas: async (key, replicas, timeoutMs) =>
      Number(await (await primaryOf(key)).sendCommand(['WAIT', String(replicas), String(timeoutMs)])),
    async replicasOnline(key, { fresh = false } = {}) {
      const primary = await primaryOf(key);
      const remembered = onlineCounts.get(primary);
      if (!fresh && remembered && Date.now() - remembered.at < 1_000) return remembered.count;
      const count = onlineIn(String(await primary.sendCommand(['INFO', 'replication'])));
      onlineCounts.set(primary, { count, at: Date.now() });
      return count;
    },
    async waitForReplicasEverywhere(replicas, timeoutMs) {
      const acks = await waitEverywhere(['WAIT', String(replicas), String(timeoutMs)]);
      return acks.every((ack) => Number(ack) >= replicas);
    },
    ping,
    onReconnected: (listener) => void listeners.push(listener),
    forget: (key) => reader.clientSideCache?.invalidate(key),
    nearCacheSize: () => reader.clientSideCache?.size() ?? 0,
    async close() {
      await Promise.allSettled([reader.close(), writer.close(), closeExtra?.()]);
    },
  };
}

/** Connects the reader and writer for a single node or a cluster. */
export async function connectRedis({
  urls,
  cluster,
  nearCache,
  name = 'authscale-session',
  username,
  password,
  tls = false,
}: ConnectRedisOptions): Promise<RedisConnection> {
  const clientSideCache = nearCache
    ? { ttl: nearCache.ttlMs, maxEntries: nearCache.maxEntries, evictPolicy: 'LRU' as const }
    : undefined;
  const listeners: Array<() => void> = [];
  const reconnected = () => {
    for (const listener of listeners) listener();
  };
  const nodeSocket = tls ? { ...socket, tls: true as const } : socket;
  const credentials = password ? { ...(username ? { username } : {}), password } : {};

  if (!cluster) {
    const make = (cache: typeof clientSideCache) =>
      createClient({
        url: urls[0],
        RESP: 3,
        disableOfflineQueue: true,
        socket: nodeSocket,
        ...credentials,
        ...(cache ? { clientSideCache: cache } : {}),
      });
    const reader = make(clientSideCache) as RedisClientType;
    const writer = make(undefined) as RedisClientType;
    for (const client of [reader, writer]) client.on('error', () => {});
    let readyOnce = false;
    writer.on('ready', () => {
      if (readyOnce) reconnected();
      readyOnce = true;
    });
    await Promise.all([reader.connect(), writer.connect()]);
    return connectionOver(
      {
        reader,
        writer,
        primaryOf: async () => writer,
        waitEverywhere: async (args) => [await writer.sendCommand(args)],
        ping: async () => void (await writer.ping()),
      },
      listeners,
    );
  }

  const make = (role: string, cache: typeof clientSideCache) =>
    createCluster({
      rootNodes: urls.map((url) => ({ url })),
      RESP: 3,
      // The client connects to the nodes it discovers with these settings only, not with the root
      // nodes' URLs: the password and TLS must be here to reach every shard.
      defaults: { name: `${name}-${role}`, disableOfflineQueue: true, socket: nodeSocket, ...credentials },
      topologyRefreshOnReconnectionAttemptStrategy: clusterTopologyRefreshMs,
      ...(cache ? { clientSideCache: cache } : {}),
    }) as unknown as RedisClusterType;
  const reader = make('reader', clientSideCache);
  const writer = make('writer', undefined);
  for (const client of [reader, writer]) {
    client.on('error', () => {});
    client.on('node-error', () => {});
  }
  const fallback = replicaFallback(() => {
    const client = createCluster({
      rootNodes: urls.map((url) => ({ url })),
      RESP: 3,
      defaults: { name: `${name}-fallback`, disableOfflineQueue: true, socket: nodeSocket, ...credentials },
      useReplicas: true,
      minimizeConnections: true,
    }) as unknown as RedisClusterType;
    client.on('error', () => {});
    client.on('node-error', () => {});
    return client;
  });
  let connected = false;
  writer.on('node-ready', () => {
    if (!connected) return;
    reconnected();
    fallback.refresh();
  });
  await Promise.all([reader.connect(), writer.connect(), fallback.start()]);
  connected = true;
  return connectionOver(
    {
      reader,
      writer,
      readFromReplica: fallback.read,
      closeExtra: fallback.close,
      // WAIT goes to the key's primary on the connection that wrote: node-redis' own routing
      // for WAIT (`sendCommand(key, ...)`) fans it out to every shard and keeps the minimum.
      primaryOf: (key) => writer.getNodeClientForKey(key, false),
      waitEverywhere: (args) =>
        Promise.all(writer.masters.map(async (node) => (await writer.nodeClient(node)).sendCommand(args))),
      async ping() {
        await Promise.all(writer.masters.map(async (node) => (await writer.nodeClient(node)).ping()));
      },
    },
    listeners,
  );
}

/**
 * Whether a node's `ROLE` answer shows it holds its shard's data: a primary, or a replica that is
 * in sync with its primary or has lost the link to it (a dead or cut-off primary; it keeps every
 * write that primary acknowledged). Not a replica in a handshake or a sync with a new primary: one
 * that migrated from another shard (Redis moves one to a primary left without replicas), or an old
 * primary rejoining as a replica, serves the data it had until its full sync ends, and a session
 * its new primary holds is absent there. (Such a replica is `connecting` for the moment it takes to
 * open a connection to its new primary, which this cannot tell from a lost link.)
 */
function holdsItsShard(role: unknown): boolean {
  if (!Array.isArray(role)) return false;
  const [kind, , , state] = role.map(String);
  return kind === 'master' || (kind === 'slave' && ['connected', 'connect', 'connecting'].includes(state as string));
}

/**
 * Replica reads, only while a primary is unreachable (its failover takes about the cluster node
 * timeout): a replica holds every create and revoke confirmed with WAIT. A separate cluster client
 * with replicas in its slot map, connecting to a node on first use; its map is rebuilt when the
 * topology changes or names no replica, at most once a second.
 *
 * The slot's replicas are tried in turn, then the primary this map names. One answers only if its
 * `ROLE`, sent ahead of the read on the same connection, shows it holds its shard
 * (`holdsItsShard`): a replica still syncing answers a read of any session with nil, which would
 * be a session lost.
 */
function replicaFallback(create: () => RedisClusterType, primaryAttemptMs = 250) {
  let current = create();
  let refreshing = false;
  let lastRefresh = 0;
  let closed = false;
  const refresh = () => {
    if (closed || refreshing || Date.now() - lastRefresh < 1_000) return;
    refreshing = true;
    lastRefresh = Date.now();
    const next = create();
    next.connect().then(
      () => {
        refreshing = false;
        // Closed while it connected: nobody would destroy it, and its sockets would keep the
        // process alive, retrying a node that went away.
        if (closed) return void next.destroy();
        const previous = current;
        current = next;
        previous.destroy();
      },
      () => {
        refreshing = false;
        next.destroy();
      },
    );
  };
  return {
    start: () => current.connect(),
    refresh,
    async read<T>(key: string, read: (client: Commands) => Promise<T>): Promise<T> {
      const cluster = current;
      const slot = cluster.slots[calculateSlot(key)];
      const replicas = slot?.replicas ?? [];
      if (replicas.length === 0) refresh();
      // The primary last, and only for a moment (a dead one would hold the read while its
      // connection retries): in a map newer than the reader's it is the successor of the primary
      // the reader still asks, which a cluster client keeps asking while it answers CLUSTERDOWN.
      const nodes = [...replicas, ...(slot?.master ? [slot.master] : [])];
      let failure: unknown = new Error('no node of this slot is known');
      let passedOver = false;
      for (const node of nodes) {
        try {
          const attempt = (async () => {
            const client = await cluster.nodeClient(node);
            // One connection runs its commands in order: the role is the node's as of the read.
            return Promise.all([client.sendCommand(['ROLE']), read(client as unknown as Commands)]);
          })();
          const [role, value] =
            node === slot?.master
              ? await Promise.race([
                  attempt,
                  sleep(primaryAttemptMs, null, { ref: false }).then(() =>
                    Promise.reject(new Error(`${node.address} did not answer`)),
                  ),
                ])
              : await attempt;
          if (holdsItsShard(role)) {
            // A node passed over means the map is behind the topology.
            if (passedOver) refresh();
            return value;
          }
          failure = new Error(`${node.address} is still syncing with its primary`);
        } catch (error) {
          failure = error;
        }
        passedOver = true;
      }
      refresh();
      throw failure;
    },
    close: async () => {
      closed = true;
      current.destroy();
    },
  };
}
