/**
 * `npm run bench:peers`: "who is this session" from authscale (`npm start` and the full stack)
 * and from its peers, in one run on this machine, each against the same hello-world: better-auth
 * (npm) with its sessions in Postgres, with its cookie cache, and in Redis secondary storage;
 * Keycloak in development mode (Maven Central's distribution zip, on a Java 21+ runtime, skipped
 * with the reason when there is none). One target at a time: started, signed in to (the sign-in
 * timed), loaded in turns with the hello-world, its memory read, stopped. Prints a table and
 * writes it into the "Beside the peers" section of docs/benchmarks.md.
 */
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type PostgresServer, type RedisServer, startPostgres, startRedis } from '@authscale/testkit';
import autocannon from 'autocannon';
import { measureEdgeRows } from './bench/edge/measure-edge-rows.ts';
import { startScript } from './bench/load.ts';
import { describeMachine } from './bench/measure.ts';
import { authscaleHashing, startOneProcess, startStack } from './bench/peers/authscale.ts';
import {
  type BetterAuthMode,
  betterAuthHashing,
  betterAuthPackages,
  installBetterAuth,
  startBetterAuth,
} from './bench/peers/better-auth.ts';
import { findJava } from './bench/peers/java-runtime.ts';
import { installKeycloak, keycloakHashing, keycloakVersion, startKeycloak } from './bench/peers/keycloak.ts';
import { renderPeersSection } from './bench/peers/peers-section.ts';
import { authscale, type PeerRow, type SkippedTarget } from './bench/peers/peers-table.ts';
import { timedSignIns } from './bench/peers/sign-ins.ts';
import type { StartedTarget } from './bench/peers/started-target.ts';
import { writeBenchmarkSection } from './bench/write-benchmark-section.ts';

const settings = {
  seconds: Number(process.env.BENCH_SECONDS ?? 5),
  rounds: Number(process.env.BENCH_ROUNDS ?? 5),
  connections: 32,
};
/** Every target is loaded this long before its turns, beyond their 2 s; the JVM longer, for its JIT. */
const warmUpSeconds = Number(process.env.BENCH_WARMUP_SECONDS ?? 10);
const jvmWarmUpSeconds = Number(process.env.BENCH_JVM_WARMUP_SECONDS ?? 30);

type Described = Pick<PeerRow, 'target' | 'configuration' | 'freshness' | 'instantRevocation'>;

const oneProcess: Described = {
  target: authscale,
  configuration: '`npm start`, `GET /me`, session cookie',
  instantRevocation: true,
  freshness:
    "at once: the edge's near cache checks the user's invalidation epoch in the in-memory session store on every request",
};
const stack: Described = {
  target: authscale,
  configuration: '`npm run stack`, edge `GET /me`, session cookie (near cache on)',
  instantRevocation: true,
  freshness:
    'within milliseconds: a revoke reaches every replica and edge near cache over Redis (see "Sessions" above)',
};
const betterAuth = (mode: BetterAuthMode): Described => {
  const name = `better-auth ${betterAuthPackages['better-auth']}`;
  switch (mode) {
    case 'database':
      return {
        target: name,
        configuration: '`get-session`, sessions in Postgres',
        instantRevocation: true,
        freshness: 'at once: every call reads the session row',
      };
    case 'cookie-cache':
      return {
        target: name,
        configuration: '`get-session`, sessions in Postgres, `cookieCache` on (maxAge 5 min, its default)',
        instantRevocation: false,
        freshness: "a revoked session is still answered until the cached cookie's maxAge (5 min) runs out",
      };
    case 'secondary-storage':
      return {
        target: name,
        configuration: '`get-session`, sessions in Redis (`secondaryStorage`)',
        instantRevocation: true,
        freshness: 'at once: every call reads the session from Redis',
      };
  }
};
const keycloak: Described = {
  target: `Keycloak ${keycloakVersion}`,
  configuration: '`start-dev` (H2, local caches), OIDC userinfo with the access token',
  instantRevocation: true,
  freshness: "at once: every call looks up the token's user session (the access token itself lives 5 min)",
};

const rows: PeerRow[] = [];
const skipped: SkippedTarget[] = [];
const hashing: Record<string, string> = {
  authscale: authscaleHashing,
  [`better-auth ${betterAuthPackages['better-auth']}`]: betterAuthHashing,
  [`Keycloak ${keycloakVersion}`]: keycloakHashing,
};
const skip = (described: Described, reason: string) => {
  console.error(`[bench:peers] not measured: ${described.target}, ${described.configuration}: ${reason}`);
  skipped.push({ target: described.target, configuration: described.configuration, reason });
};

const hello = await startScript('./ceiling-server.ts');

/** Starts one target, warms it, measures it in turns with the hello-world, reads its memory, stops it. */
async function measure(described: Described, start: () => Promise<StartedTarget>, warmUp = warmUpSeconds) {
  console.error(`[bench:peers] ${described.target}, ${described.configuration}`);
  let started: StartedTarget | undefined;
  try {
    started = await start();
    const { url, headers, tiers } = started;
    await autocannon({ url, headers, connections: settings.connections, duration: warmUp });
    const [row] = await measureEdgeRows({
      targets: [{ what: described.configuration, url, headers, tiers }],
      hello,
      ...settings,
    });
    if (!row) throw new Error('no row measured');
    const memory = started.memory();
    rows.push({
      ...described,
      rps: row.rps,
      p99: row.p99,
      share: row.rps / row.ceiling.rps,
      shares: row.shares,
      serverRssMiB: memory.server,
      storesRssMiB: memory.stores,
      signInMs: started.signInMs,
    });
  } catch (error) {
    console.error(error);
    skip(described, (error as Error).message.split('\n')[0] as string);
  } finally {
    await started?.stop();
  }
}

let keycloakHashingRead: string | null = null;
try {
  await measure(oneProcess, startOneProcess);
  await measure(stack, startStack);

  let dir: string | undefined;
  try {
    dir = installBetterAuth();
  } catch (error) {
    for (const mode of ['database', 'cookie-cache', 'secondary-storage'] as const) {
      skip(betterAuth(mode), (error as Error).message);
    }
  }
  if (dir) {
    const installed = dir;
    let stores: { postgres: PostgresServer; redis: RedisServer } | undefined;
    try {
      const [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
      stores = { postgres, redis };
      for (const mode of ['database', 'cookie-cache', 'secondary-storage'] as const) {
        await measure(betterAuth(mode), () => startBetterAuth({ dir: installed, mode, postgres, redis }));
      }
    } finally {
      await Promise.allSettled([stores?.postgres.stop(), stores?.redis.stop()]);
    }
  }

  const java = findJava(21);
  if (!java) {
    skip(keycloak, 'no Java 21+ runtime found (JAVA_HOME, the standard JVM directory, or `java` on the PATH)');
  } else {
    let home: string | undefined;
    try {
      home = installKeycloak();
    } catch (error) {
      skip(keycloak, (error as Error).message);
    }
    if (home) {
      const keycloakHome = home;
      const logFile = join(mkdtempSync(join(tmpdir(), 'authscale-bench-keycloak-')), 'keycloak.log');
      console.error(`[bench:peers] Keycloak on Java ${java.major}; its log: ${logFile}`);
      await measure(
        { ...keycloak, target: `${keycloak.target} (Java ${java.major})` },
        async () => {
          const { target, hashing: read } = await startKeycloak({ home: keycloakHome, javaHome: java.home, logFile });
          keycloakHashingRead = read;
          return target;
        },
        jvmWarmUpSeconds,
      );
    }
  }
} finally {
  await hello.stop();
}

const body = renderPeersSection({
  rows,
  skipped,
  stack: stack.configuration,
  start: oneProcess.configuration,
  hashing: keycloakHashingRead
    ? {
        ...hashing,
        [`Keycloak ${keycloakVersion}`]: `${keycloakHashing} (the stored credential: ${keycloakHashingRead})`,
      }
    : hashing,
  machine: `${describeMachine()}; 1-minute load average at the end ${(loadavg()[0] as number).toFixed(1)}`,
  ...settings,
  warmUpSeconds,
  jvmWarmUpSeconds,
  signIns: timedSignIns,
});
console.log(`\n${writeBenchmarkSection({ title: 'Beside the peers', body })}`);
process.exit(0);
