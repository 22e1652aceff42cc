import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { percentile, timed, yieldToLoop } from '../measure.ts';
import type { ValidationTarget } from './in-process-target.ts';
import { sessionsBenchSettings } from './sessions-bench-settings.ts';
import { throughput } from './throughput.ts';

const { sessionsPerRun, warmUp, concurrency } = sessionsBenchSettings;

/** One row of the sessions table: latency per miss (and hit), then throughput. */
export interface SessionsRow {
  backend: string;
  nearCache: string;
  missP50: number;
  missP99: number;
  hitP50?: number;
  hitP99?: number;
  missOpsPerSec: number;
  hitOpsPerSec?: number;
}

/** Validation latency and throughput of one backend, near cache on or off. */
export async function measureBackend({
  backend,
  cacheLabel,
  sessions,
  cached,
}: {
  backend: string;
  cacheLabel: string;
  sessions: ValidationTarget;
  /** The near cache is on: hits are measured too, and misses under load on fresh sessions. */
  cached: boolean;
}): Promise<SessionsRow> {
  const created = [];
  for (let index = 0; index < sessionsPerRun; index++) {
    created.push(await sessions.create({ userId: randomUUID(), tenantId: randomUUID(), amr: ['pwd'], acr: 'aal1' }));
  }
  const tokens = created.map(({ token }) => token);
  const validate = async (token: string) => {
    if (!(await sessions.validate(token))) throw new Error('a live session did not validate');
  };
  // Warm the JIT and the connections on throw-away sessions before measuring.
  for (let index = 0; index < warmUp; index++) {
    const { token } = await sessions.create({
      userId: randomUUID(),
      tenantId: randomUUID(),
      amr: ['pwd'],
      acr: 'aal1',
    });
    await validate(token);
    await validate(token);
  }
  const misses: number[] = [];
  for (const token of tokens) misses.push(await timed(() => validate(token)));
  const row: SessionsRow = {
    backend,
    nearCache: cacheLabel,
    missP50: percentile(misses, 50),
    missP99: percentile(misses, 99),
    missOpsPerSec: 0,
  };
  if (cached) {
    const hits: number[] = [];
    for (const token of tokens) {
      hits.push(await timed(() => validate(token)));
      if (hits.length % 100 === 0) await yieldToLoop();
    }
    row.hitP50 = percentile(hits, 50);
    row.hitP99 = percentile(hits, 99);
    row.hitOpsPerSec = await throughput((index) => validate(tokens[index % tokens.length] as string));
  } else {
    row.missOpsPerSec = await throughput((index) => validate(tokens[index % tokens.length] as string));
  }
  if (cached) {
    // Misses under load: fresh sessions, each validated once.
    const fresh: string[] = [];
    for (let index = 0; index < sessionsPerRun; index++) {
      fresh.push(
        (await sessions.create({ userId: randomUUID(), tenantId: randomUUID(), amr: ['pwd'], acr: 'aal1' })).token,
      );
    }
    let next = 0;
    const start = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < fresh.length) await validate(fresh[next++] as string);
      }),
    );
    row.missOpsPerSec = Math.round(fresh.length / ((performance.now() - start) / 1000));
  }
  await sessions.close();
  return row;
}
