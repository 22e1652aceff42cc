import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir, run, spawnServer, stopProcess, waitFor } from './child-processes.ts';
import { findBinary } from './find-binary.ts';
import { freePorts } from './free-port.ts';

const install = 'sudo apt-get install -y redis-server';

export interface RedisNode {
  host: string;
  port: number;
  pid: number;
  process: ChildProcess;
}

export interface RedisServer extends RedisNode {
  url: string;
  stop(): Promise<void>;
}

export interface RedisClusterServer {
  nodes: RedisNode[];
  /** `redis://host:port` of every node, for a cluster client's root nodes. */
  urls: string[];
  /** Runs `redis-cli` against one node and returns its output. */
  cli(port: number, ...args: string[]): Promise<string>;
  /** Kills one node without a clean shutdown, as a crash would. */
  kill(port: number): Promise<void>;
  stop(): Promise<void>;
}

function redisBinaries() {
  return {
    server: findBinary('redis-server', { install, extraDirs: ['/usr/bin', '/usr/local/bin'] }),
    cli: findBinary('redis-cli', { install, extraDirs: ['/usr/bin', '/usr/local/bin'] }),
  };
}

/** redis-server's arguments for one throw-away node: no persistence, hashes kept as ElastiCache keeps them. */
export function redisNodeArgs({ host = '127.0.0.1', port, dir }: { host?: string; port: number; dir: string }) {
  return [
    '--bind',
    host,
    '--port',
    String(port),
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    'no',
    '--protected-mode',
    'no',
    '--daemonize',
    'no',
    // As the ElastiCache parameter group sets it: a user's session hash (a packed record is longer
    // than the default 64-byte limit) stays a compact listpack, about a quarter less memory per session.
    '--hash-max-listpack-value',
    '256',
  ];
}

/** The arguments that make a node a cluster node, failing over as ElastiCache does. */
export function redisClusterNodeArgs({ busPort, nodeTimeoutMs }: { busPort: number; nodeTimeoutMs: number }) {
  return [
    '--cluster-enabled',
    'yes',
    '--cluster-config-file',
    'nodes.conf',
    '--cluster-node-timeout',
    String(nodeTimeoutMs),
    '--cluster-port',
    String(busPort),
    // Replicas take over without waiting for an operator, as ElastiCache does.
    '--cluster-replica-validity-factor',
    '0',
    // As the ElastiCache parameter group sets it: a shard whose primary failed leaves the rest of
    // the cluster up. Otherwise, between the failure being agreed and a replica's promotion, every
    // node refuses every read (CLUSTERDOWN), the dead primary's replicas included, which hold every
    // acknowledged write. A node cut off from most primaries still refuses, so it serves nothing stale.
    '--cluster-require-full-coverage',
    'no',
    // Redis leaves a replica out of CLUSTER SLOTS (so clients never read from it) until its
    // replication offset moves; an idle new cluster only moves it on these pings.
    '--repl-ping-replica-period',
    '1',
  ];
}

function startNode(server: string, dir: string, port: number, extraArgs: string[]): RedisNode {
  mkdirSync(dir, { recursive: true });
  const child = spawnServer(server, [...redisNodeArgs({ port, dir }), ...extraArgs]);
  return { host: '127.0.0.1', port, pid: child.pid ?? -1, process: child };
}

/**
 * Joins running cluster nodes with `redis-cli --cluster create`, and resolves once every node
 * reports `cluster_state:ok` and every replica is in sync with its primary.
 */
export async function formRedisCluster(nodes: ReadonlyArray<{ host: string; port: number }>, replicas: number) {
  const { cli } = redisBinaries();
  const command = (node: { host: string; port: number }, ...args: string[]) =>
    run(cli, ['-h', node.host, '-p', String(node.port), ...args]);
  await Promise.all(
    nodes.map((node) =>
      waitFor(async () => ((await command(node, 'PING')).trim() === 'PONG' ? true : undefined), {
        what: `redis-server on ${node.host}:${node.port}`,
      }),
    ),
  );
  await run(cli, [
    '--cluster',
    'create',
    ...nodes.map((node) => `${node.host}:${node.port}`),
    '--cluster-replicas',
    String(replicas),
    '--cluster-yes',
  ]);
  await Promise.all(
    nodes.map((node) =>
      waitFor(
        async () => {
          const info = await command(node, 'CLUSTER', 'INFO');
          if (!info.includes('cluster_state:ok') || !info.includes(`cluster_known_nodes:${nodes.length}`)) {
            return undefined;
          }
          // Writes confirmed with WAIT need every replica synced, not only the slots assigned.
          const replication = await command(node, 'INFO', 'replication');
          const synced = replication.includes('role:master')
            ? replication.includes(`connected_slaves:${replicas}`) &&
              !/slave\d+:.*state=(?!online)/.test(replication) &&
              !/slave\d+:.*offset=0,/.test(replication)
            : replication.includes('master_link_status:up');
          return synced ? true : undefined;
        },
        { what: `cluster_state:ok and replicas in sync on ${node.host}:${node.port}`, timeoutMs: 30_000 },
      ),
    ),
  );
}

async function ping(cli: string, port: number) {
  const out = await run(cli, ['-p', String(port), 'PING']);
  return out.trim() === 'PONG' ? true : undefined;
}

/** Starts one throw-away `redis-server` on a free port. */
export async function startRedis(): Promise<RedisServer> {
  const { server, cli } = redisBinaries();
  const temp = makeTempDir('authscale-redis-');
  const root = temp.path;
  const [port] = (await freePorts(1)) as [number];
  const node = startNode(server, root, port, []);
  await waitFor(() => ping(cli, port), { what: `redis-server on ${port}` });
  return {
    ...node,
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      await stopProcess(node.process, 'SIGKILL');
      temp.remove();
    },
  };
}

export interface StartRedisClusterOptions {
  /** @default 3 */
  primaries?: number;
  /** Replicas per primary. @default 1 */
  replicas?: number;
  /** How long a primary may be silent before its replica takes over. @default 1000 */
  nodeTimeoutMs?: number;
}

/**
 * Starts a real Redis Cluster: `primaries * (1 + replicas)` redis-server processes with
 * `cluster-enabled yes`, joined by `redis-cli --cluster create`, returned once every node
 * reports `cluster_state:ok` and every replica is in sync with its primary.
 */
export async function startRedisCluster({
  primaries = 3,
  replicas = 1,
  nodeTimeoutMs = 1000,
}: StartRedisClusterOptions = {}): Promise<RedisClusterServer> {
  const { server, cli } = redisBinaries();
  const temp = makeTempDir('authscale-redis-cluster-');
  const root = temp.path;
  const count = primaries * (1 + replicas);
  const ports = await freePorts(count * 2);
  const nodes = Array.from({ length: count }, (_, index) => {
    const port = ports[index * 2] as number;
    const busPort = ports[index * 2 + 1] as number;
    return startNode(server, join(root, String(port)), port, redisClusterNodeArgs({ busPort, nodeTimeoutMs }));
  });
  const stop = async () => {
    await Promise.all(nodes.map((node) => stopProcess(node.process, 'SIGKILL')));
    temp.remove();
  };
  try {
    await formRedisCluster(nodes, replicas);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    nodes,
    urls: nodes.map((node) => `redis://127.0.0.1:${node.port}`),
    cli: (port, ...args) => run(cli, ['-p', String(port), ...args]),
    async kill(port) {
      const node = nodes.find((candidate) => candidate.port === port);
      if (node) await stopProcess(node.process, 'SIGKILL');
    },
    stop,
  };
}

/**
 * `CLIENT KILL ID` for every connection named `name` on each node: drops one client's connections
 * (and Redis's tracking state for them) without touching other tests' clients on a shared
 * cluster. Returns how many were killed.
 */
export async function killConnectionsNamed(
  nodes: ReadonlyArray<{ host: string; port: number }>,
  name: string,
): Promise<number> {
  const { cli } = redisBinaries();
  const command = (node: { host: string; port: number }, ...args: string[]) =>
    run(cli, ['-h', node.host, '-p', String(node.port), ...args]);
  let killed = 0;
  for (const node of nodes) {
    const list = await command(node, 'CLIENT', 'LIST');
    for (const line of list.split('\n').filter((entry) => entry.includes(` name=${name} `))) {
      const id = /\bid=(\d+)/.exec(line)?.[1];
      if (id) killed += Number.parseInt(await command(node, 'CLIENT', 'KILL', 'ID', id), 10) || 0;
    }
  }
  return killed;
}

export interface RedisAclUser {
  name: string;
  password: string;
  /** ACL rules, space-separated, as an ElastiCache access string has them (`on ~key:* -@all +get`). */
  rules: string;
}

/**
 * Creates an ACL user on every node (ACLs are per node, replicas included, as ElastiCache applies a
 * user group to each) and returns a function that deletes it again, so tests sharing a cluster
 * each bring their own users.
 */
export async function addRedisAclUser(
  nodes: ReadonlyArray<{ host: string; port: number }>,
  { name, password, rules }: RedisAclUser,
): Promise<() => Promise<void>> {
  const { cli } = redisBinaries();
  const command = (node: { host: string; port: number }, ...args: string[]) =>
    run(cli, ['-h', node.host, '-p', String(node.port), ...args]);
  for (const node of nodes) {
    const answer = await command(node, 'ACL', 'SETUSER', name, 'reset', `>${password}`, ...rules.split(' '));
    if (answer.trim() !== 'OK') throw new Error(`ACL SETUSER ${name} on ${node.port}: ${answer.trim()}`);
  }
  return async () => {
    for (const node of nodes) await command(node, 'ACL', 'DELUSER', name);
  };
}
