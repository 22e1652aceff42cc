import { setTimeout as sleep } from 'node:timers/promises';
import type { ChaosStack } from './chaos-stack.ts';

/** A fault, what it takes away, and how it ends. */
export interface Scenario {
  name: string;
  /** One line for the table: what is done to the stack. */
  fault: string;
  /** The runbook the scenario rehearses, under docs/runbooks/, when there is one. */
  runbook?: string;
  /** Injects the fault; resolves once it is in place. */
  inject(stack: ChaosStack): Promise<void>;
  /** Ends the fault (nothing for a kill: the dead stay dead, as until ECS replaces them). */
  heal?(stack: ChaosStack): Promise<void>;
  /** False where the fault takes what reads need (`GET /me` on a near-cache miss reads Postgres). */
  readsMustSucceed?: boolean;
  /** The workload changes passwords too. */
  passwordChanges?: boolean;
  /** Redis runs in network namespaces, so the scenario can partition it (needs root). */
  partitionableRedis?: boolean;
  /** The service whose wall clock the scenario moves. */
  skewableClock?: 'session' | 'orchestrator' | 'edge';
}

const killReplica = (stack: ChaosStack) => (stack.topology.sessions[0] as { kill(): Promise<void> }).kill();

/** A Redis primary's port and its replicas' ports, from its `ROLE` answer. */
async function primaryWithReplicas(stack: ChaosStack): Promise<[number, number[]]> {
  for (const node of stack.redis.nodes) {
    const role = (await stack.redis.cli(node.port, 'ROLE').catch(() => '')).trim().split('\n');
    if (role[0] !== 'master') continue;
    // master, offset, then ip, port, offset for each replica.
    const replicas = role
      .slice(2)
      .filter((_, index) => index % 3 === 1)
      .map(Number);
    return [node.port, replicas];
  }
  throw new Error('no Redis primary found');
}

/** SIGKILLs one Redis primary, without a clean shutdown: one of its replicas takes over. */
async function killRedisPrimary(stack: ChaosStack) {
  const [primary] = await primaryWithReplicas(stack);
  await stack.redis.kill(primary);
}

/**
 * Cuts one primary and one of its replicas off from the other 7 nodes; clients still reach both.
 * The majority promotes the primary's other replica, while the cut-off primary keeps accepting
 * writes until its node timeout, and its replica can acknowledge them (`WAIT 1`).
 */
async function partitionPrimaryWithAReplica(stack: ChaosStack) {
  const [primary, replicas] = await primaryWithReplicas(stack);
  stack.redis.partition?.([
    stack.redis.nodes.map(({ port }) => port).filter((port) => port !== primary && port !== replicas[0]),
    [primary, replicas[0] as number],
  ]);
}

/**
 * Closes every connection with client tracking on (the near caches' invalidation channel: each
 * replica's and each edge's), on every live node, every `everyMs` while the fault lasts.
 */
function cutTrackingConnections(everyMs: number) {
  let cutting: Promise<void> | undefined;
  let on = false;
  return {
    async inject(stack: ChaosStack) {
      on = true;
      cutting = (async () => {
        while (on) {
          for (const node of stack.redis.nodes) {
            const list = await stack.redis.cli(node.port, 'CLIENT', 'LIST').catch(() => '');
            for (const line of list.split('\n')) {
              const flags = /\bflags=(\S+)/.exec(line)?.[1] ?? '';
              const id = /\bid=(\d+)/.exec(line)?.[1];
              if (id && flags.includes('t'))
                await stack.redis.cli(node.port, 'CLIENT', 'KILL', 'ID', id).catch(() => {});
            }
          }
          await sleep(everyMs);
        }
      })();
    },
    async heal() {
      on = false;
      await cutting;
    },
  };
}

const cut = cutTrackingConnections(500);

/** One service's wall clock (`whose`) 30 s ahead of the others' while the fault lasts. */
const clockAhead = (service: NonNullable<Scenario['skewableClock']>, whose: string): Scenario => ({
  name: `${service}-clock-ahead`,
  fault: `${whose} wall clock 30 s ahead of the others'`,
  inject: async (stack) => stack.setClockOffset(30),
  heal: async (stack) => stack.setClockOffset(0),
  skewableClock: service,
});

export const scenarios: Scenario[] = [
  {
    name: 'session-replica-killed',
    fault: 'SIGKILL one of the 2 session replicas',
    runbook: 'replica-loss',
    inject: killReplica,
  },
  {
    name: 'redis-primary-killed',
    fault: 'SIGKILL one of the 3 Redis primaries',
    runbook: 'redis-primary-loss',
    inject: killRedisPrimary,
  },
  {
    name: 'replica-and-redis-primary-killed',
    fault: 'SIGKILL a session replica and a Redis primary at once',
    runbook: 'redis-primary-loss',
    inject: (stack) => Promise.all([killReplica(stack), killRedisPrimary(stack)]).then(() => {}),
  },
  {
    name: 'redis-primary-partitioned',
    fault: 'cut a Redis primary and one of its replicas off from the other 7 nodes (clients reach all), then heal',
    runbook: 'redis-primary-loss',
    inject: partitionPrimaryWithAReplica,
    heal: async (stack) => stack.redis.heal?.(),
    partitionableRedis: true,
  },
  {
    name: 'invalidation-cut',
    fault: "close every near cache's invalidation connection every 0.5 s",
    inject: cut.inject,
    heal: cut.heal,
  },
  {
    name: 'postgres-restarted',
    fault: 'restart Postgres (fast shutdown, start) during password changes',
    runbook: 'aurora-failover',
    inject: (stack) => stack.postgres.restart(),
    readsMustSucceed: false,
    passwordChanges: true,
  },
  {
    name: 'dynamodb-failing',
    fault: 'DynamoDB closes every connection and refuses new ones, during refresh rotation',
    runbook: 'dynamodb-throttling',
    // Disabled rather than a reset_peer toxic: Toxiproxy v2.12.0 never finishes removing that one.
    inject: (stack) => stack.links.orchestratorToDynamoDb.setEnabled(false),
    heal: (stack) => stack.links.orchestratorToDynamoDb.setEnabled(true),
  },
  {
    name: 'orchestrator-slow',
    fault: 'the orchestrator answers the edge 1 to 2 s late',
    inject: (stack) =>
      stack.links.edgeToOrchestrator.add({ type: 'latency', attributes: { latency: 1500, jitter: 500 } }),
    heal: (stack) => stack.toxiproxy.heal(),
  },
  {
    name: 'session-replicas-slow',
    fault: 'every session replica answers the edge 0 to 1 s late',
    inject: (stack) =>
      Promise.all(
        stack.links.edgeToSessions.map((link) =>
          link.add({ type: 'latency', attributes: { latency: 500, jitter: 500 } }),
        ),
      ).then(() => {}),
    heal: (stack) => stack.toxiproxy.heal(),
  },
  clockAhead('orchestrator', "the orchestrator's"),
  clockAhead('session', "the session replicas'"),
  clockAhead('edge', "the edge's"),
];
