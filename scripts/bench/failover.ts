import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { connectRedis, createRedisStore, createSessions } from '@authscale/session';
import { run } from '@authscale/testkit';
import { userKey } from '../../services/session/src/redis/session-keys.ts';
import { keySlot, slotOwners } from './cluster-slots.ts';
import { load } from './load.ts';
import type { LocalStack } from './local-stack.ts';
import { percentile } from './measure.ts';

const runSeconds = 12;
const killAtMs = 4_000;
const killWindowMs = 3_000;

/** GET /me through the edge at `rate` for a while; `kill` runs once, 4 s in. */
async function underLoad(stack: LocalStack, rate: number, kill: () => Promise<void>) {
  const killed = sleep(killAtMs).then(kill);
  const run = await load({
    url: `${stack.state.edgeUrl}/me`,
    headers: { cookie: stack.cookie },
    seconds: runSeconds,
    rate,
  });
  await killed;
  // What the errors were, so a run that has any says whether the edge answered 5xx or nothing.
  const errorKinds: Record<string, number> = {};
  for (const { status } of run.responses) {
    if (status < 200 || status >= 300) errorKinds[`HTTP ${status}`] = (errorKinds[`HTTP ${status}`] ?? 0) + 1;
  }
  if (run.failures.length > 0) errorKinds['no answer'] = run.failures.length;
  const inWindow = run.responses.filter(({ at }) => at >= killAtMs && at < killAtMs + killWindowMs);
  return {
    errors: run.errors,
    errorKinds,
    windowP99: percentile(
      inWindow.map(({ latency }) => latency),
      99,
    ),
    p99: run.p99,
    requests: run.responses.length,
  };
}

/** SIGKILL one session replica during steady authenticated load through the edge. */
export async function sessionReplicaKilled(stack: LocalStack, rate: number) {
  const victim = stack.state.processes.find((entry) => entry.role === 'session');
  if (!victim) throw new Error('the stack has no session replica');
  return underLoad(stack, rate, async () => {
    process.kill(victim.pid, 'SIGKILL');
  });
}

/**
 * SIGKILL the Redis primary that holds the signed-in user's session, during steady reads
 * through the edge and acknowledged session writes (the session store's create, confirmed by a
 * replica) to the same primary's slots. Reports read errors, acknowledged writes missing
 * afterwards, the longest gap between acknowledged writes and the slowest acknowledged write (a write
 * retried through the failover): how long writes were unavailable.
 */
export async function redisPrimaryKilled(stack: LocalStack, rate: number) {
  // The hash tag alone decides the slot, so any prefix gives the stack's sessions' slot too.
  const slotOf = (userId: string) => keySlot(userKey('failover', userId));
  const redisNodes = stack.state.processes.filter((entry) => entry.role.startsWith('redis'));
  const cli = (port: number, ...args: string[]) => run('redis-cli', ['-p', String(port), ...args]);
  const owners = await slotOwners(cli, redisNodes[0]?.port as number);
  const victim = redisNodes.find((node) => node.port === owners[slotOf(stack.userId)]);
  if (!victim) throw new Error("no primary serves the user's slot");
  const redisUrls = redisNodes.map((entry) => `redis://127.0.0.1:${entry.port}`);
  const connection = await connectRedis({ urls: redisUrls, cluster: true, nearCache: null });
  const store = createRedisStore({
    connection,
    backend: 'redis-cluster',
    prefix: 'failover',
    absoluteTtlMs: 3_600_000,
  });
  const sessions = createSessions({ store });
  // Users whose keys land on the victim's slots: the writes a failover interrupts.
  const usersOnVictim: string[] = [];
  while (usersOnVictim.length < 2_000) {
    const userId = randomUUID();
    if (owners[slotOf(userId)] === victim.port) usersOnVictim.push(userId);
  }
  const acknowledged: Array<{ userId: string; sid: string; at: number; tookMs: number }> = [];
  let writeFailures = 0;
  let writing = true;
  const started = Date.now();
  const writers = Array.from({ length: 4 }, async (_, worker) => {
    for (let index = worker; writing; index += 4) {
      const userId = usersOnVictim[index % usersOnVictim.length] as string;
      const begun = Date.now();
      try {
        const { session } = await sessions.create({ userId, tenantId: randomUUID(), amr: ['pwd'], acr: 'aal1' });
        acknowledged.push({ userId, sid: session.sid, at: Date.now() - started, tookMs: Date.now() - begun });
      } catch {
        writeFailures++;
      }
    }
  });
  const reads = await underLoad(stack, rate, async () => {
    process.kill(victim.pid, 'SIGKILL');
  });
  writing = false;
  await Promise.all(writers);
  let lost = 0;
  for (const { userId, sid } of acknowledged) if (!(await store.get(userId, sid))) lost++;
  await store.close();
  // The run's end counts as a boundary: writes that never came back leave a gap up to it.
  const times = [...acknowledged.map(({ at }) => at), Date.now() - started].sort((a, b) => a - b);
  let longestGap = 0;
  for (let index = 1; index < times.length; index++) {
    longestGap = Math.max(longestGap, (times[index] as number) - (times[index - 1] as number));
  }
  return {
    readErrors: reads.errors,
    readErrorKinds: reads.errorKinds,
    readWindowP99: reads.windowP99,
    acknowledgedWrites: acknowledged.length,
    writeFailures,
    lostAcknowledgedWrites: lost,
    longestGapMs: longestGap,
    acknowledgedAfterKill: acknowledged.filter(({ at }) => at > killAtMs).length,
    slowestAcknowledgedWriteMs: Math.max(0, ...acknowledged.map(({ tookMs }) => tookMs)),
  };
}
