import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  findBinary,
  formRedisCluster,
  freePorts,
  isAlive,
  type RedisClusterServer,
  redisClusterNodeArgs,
  redisNodeArgs,
  run,
  spawnServer,
  stopProcess,
} from '@authscale/testkit';

/** A Redis Cluster whose links between nodes can be cut: a real partition, not a dead process. */
export interface PartitionableRedisCluster extends RedisClusterServer {
  /**
   * Cuts every link between Redis nodes in different groups (ports); clients keep reaching every
   * node. Nodes in no group stay with the first.
   */
  partition(groups: number[][]): void;
  /** Joins the groups again. */
  heal(): void;
}

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
const attempt = (step: () => unknown) => {
  try {
    step();
  } catch {}
};

/** The namespaces and links of runs that died without cleaning up (their routes would clash). */
function removeLeftovers() {
  const names = [
    ...ip('-o', 'link').matchAll(/^\d+: (as(\d+)o\d+)[@:]/gm),
    ...ip('netns', 'list').matchAll(/^(as(\d+)-\d+)/gm),
  ];
  for (const [, name, pid] of names) {
    if (isAlive(Number(pid))) continue;
    attempt(() => ip('link', 'del', name as string));
    attempt(() => ip('netns', 'del', name as string));
  }
}
/**
 * A private /16 no route on this machine uses yet (another run's cluster included); each node
 * gets `<range>.<n>.0/24`.
 */
function unusedRange(): string {
  const routes = ip('route');
  for (let second = 237; second >= 200; second--) {
    if (!routes.includes(`10.${second}.`)) return `10.${second}`;
  }
  throw new Error('no free 10.x.0.0/16 for the cluster namespaces');
}

/**
 * A Redis Cluster of `primaries` x (1 + `replicas`) nodes, each in a network namespace of its own
 * with a veth link to this one, which routes between them. Clients here reach every node through
 * its link; node-to-node traffic crosses this namespace, so taking a node's routes to the others
 * away partitions it from them while its clients still reach it, as a network split between
 * availability zones would. Needs root (namespaces) and `ip`; namespaces, links and routes are
 * removed on stop, and IP forwarding is put back as it was.
 */
export async function startPartitionableRedisCluster({
  primaries = 3,
  replicas = 2,
  nodeTimeoutMs = 1000,
} = {}): Promise<PartitionableRedisCluster> {
  if (process.getuid?.() !== 0) throw new Error('a partition needs network namespaces, which need root');
  const server = findBinary('redis-server', { install: 'sudo apt-get install -y redis-server' });
  const cli = findBinary('redis-cli', { install: 'sudo apt-get install -y redis-server' });
  const count = primaries * (1 + replicas);
  const ports = await freePorts(count * 2);
  const tag = `as${process.pid}`;
  const root = mkdtempSync(join(tmpdir(), 'authscale-redis-netns-'));
  const forwarding = execFileSync('sysctl', ['-n', 'net.ipv4.ip_forward']).toString().trim();
  const namespaces: string[] = [];
  const nodes: Array<{ host: string; port: number; pid: number; process: ReturnType<typeof spawnServer> }> = [];
  removeLeftovers();
  const range = unusedRange();
  const subnet = (index: number) => `${range}.${index + 1}`;
  // Deleting a link deletes its peer and its routes even while a namespace lingers.
  const cleanUp = () => {
    process.off('exit', cleanUp);
    for (const [index, namespace] of namespaces.entries()) {
      attempt(() => ip('link', 'del', `${tag}o${index}`));
      attempt(() => ip('netns', 'del', namespace));
    }
    execFileSync('sysctl', ['-q', '-w', `net.ipv4.ip_forward=${forwarding}`]);
    rmSync(root, { recursive: true, force: true });
  };
  // A run stopped by a signal still leaves no namespace, link or route behind.
  process.on('exit', cleanUp);
  const routesTo = (from: number, to: number[]) => {
    for (const other of to)
      ip(
        'netns',
        'exec',
        namespaces[from] as string,
        'ip',
        'route',
        'replace',
        `${subnet(other)}.0/24`,
        'via',
        `${subnet(from)}.1`,
      );
  };
  const routesAway = (from: number, to: number[]) => {
    for (const other of to)
      ip('netns', 'exec', namespaces[from] as string, 'ip', 'route', 'del', `${subnet(other)}.0/24`);
  };
  const everyone = Array.from({ length: count }, (_, index) => index);
  try {
    execFileSync('sysctl', ['-q', '-w', 'net.ipv4.ip_forward=1']);
    for (const index of everyone) {
      const namespace = `${tag}-${index}`;
      ip('netns', 'add', namespace);
      namespaces.push(namespace);
      const outside = `${tag}o${index}`;
      const inside = `${tag}i${index}`;
      ip('link', 'add', outside, 'type', 'veth', 'peer', 'name', inside);
      ip('link', 'set', inside, 'netns', namespace);
      ip('addr', 'add', `${subnet(index)}.1/24`, 'dev', outside);
      ip('link', 'set', outside, 'up');
      ip('netns', 'exec', namespace, 'ip', 'addr', 'add', `${subnet(index)}.2/24`, 'dev', inside);
      ip('netns', 'exec', namespace, 'ip', 'link', 'set', inside, 'up');
      ip('netns', 'exec', namespace, 'ip', 'link', 'set', 'lo', 'up');
    }
    for (const index of everyone)
      routesTo(
        index,
        everyone.filter((other) => other !== index),
      );
    for (const index of everyone) {
      const host = `${subnet(index)}.2`;
      const port = ports[index * 2] as number;
      const dir = join(root, String(index));
      mkdirSync(dir);
      const child = spawnServer('ip', [
        'netns',
        'exec',
        namespaces[index] as string,
        server,
        ...redisNodeArgs({ host, port, dir }),
        ...redisClusterNodeArgs({ busPort: ports[index * 2 + 1] as number, nodeTimeoutMs }),
      ]);
      nodes.push({ host, port, pid: child.pid ?? -1, process: child });
    }
    await formRedisCluster(nodes, replicas);
    const command = (node: { host: string; port: number }, ...args: string[]) =>
      run(cli, ['-h', node.host, '-p', String(node.port), ...args]);
    const indexOf = (port: number) => nodes.findIndex((node) => node.port === port);
    let cut: Array<[number, number[]]> = [];
    return {
      nodes,
      urls: nodes.map((node) => `redis://${node.host}:${node.port}`),
      cli: (port, ...args) => command(nodes[indexOf(port)] as { host: string; port: number }, ...args),
      async kill(port) {
        const node = nodes[indexOf(port)];
        if (node) await stopProcess(node.process, 'SIGKILL');
      },
      partition(groups) {
        const groupOf = (index: number) =>
          Math.max(
            0,
            groups.findIndex((group) => group.includes(nodes[index]?.port as number)),
          );
        cut = everyone.map((index) => [index, everyone.filter((other) => groupOf(other) !== groupOf(index))]);
        for (const [index, others] of cut) routesAway(index, others);
      },
      heal() {
        for (const [index, others] of cut) routesTo(index, others);
        cut = [];
      },
      async stop() {
        await Promise.all(nodes.map((node) => stopProcess(node.process, 'SIGKILL')));
        cleanUp();
      },
    };
  } catch (error) {
    await Promise.all(nodes.map((node) => stopProcess(node.process, 'SIGKILL')));
    cleanUp();
    throw error;
  }
}
