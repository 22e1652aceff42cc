import { comparisonLines, type PeerRow, renderPeersTable, type SkippedTarget } from './peers-table.ts';

/** The "Beside the peers" section of docs/benchmarks.md: method, table, multiples, caveats. */
export function renderPeersSection({
  rows,
  skipped,
  stack,
  start,
  hashing,
  machine,
  seconds,
  rounds,
  connections,
  warmUpSeconds,
  jvmWarmUpSeconds,
  signIns,
}: {
  rows: PeerRow[];
  skipped: SkippedTarget[];
  /** The configurations of the stack's row and `npm start`'s. */
  stack: string;
  start: string;
  /** Each product's password hash. */
  hashing: Record<string, string>;
  machine: string;
  seconds: number;
  rounds: number;
  connections: number;
  warmUpSeconds: number;
  /** Keycloak's warm-up, longer for the JVM's JIT. */
  jvmWarmUpSeconds: number;
  signIns: number;
}): string {
  return [
    `Command: \`npm run bench:peers\`. Machine: ${machine}.`,
    `Every target answers "who is this session" for a signed-in user on this machine, one target at a time: started, signed in to, loaded for ${warmUpSeconds} s to warm it (Keycloak for ${jvmWarmUpSeconds} s), then ${rounds} turns with the hello-world (\`scripts/bench/ceiling-server.ts\`, its own process, up for the whole run) of ${seconds} s each after a 2 s warm-up of both, autocannon in the benchmark process with ${connections} connections; a row is its median round, and its share is of the hello-world run just before it, so the shares compare across rows where req/s drift with the machine. RSS is VmRSS after the row's run: the server's processes (authscale's stack: its edge, session replica, orchestrator and the other services), then the data stores it uses (Postgres with its backends, Redis, the DynamoDB emulator; a page two processes share counts twice). Sign-in is the median wall time of ${signIns} password sign-ins one at a time, after one untimed.`,
    '',
    renderPeersTable(rows, skipped),
    '',
    ...comparisonLines(rows, { stack, start }).map((line) => `- ${line}`),
    '',
    'Password hashes, as each product ships:',
    '',
    ...Object.entries(hashing).map(([product, hash]) => `- ${product}: ${hash}.`),
    '',
    'What each row is. authscale: `npm start` (one process, sessions in memory, its embedded PostgreSQL) and the full topology of `npm run stack` (every service its own process, a Redis Cluster, Postgres), both as `npm run bench:start` and `npm run bench` run them, only the per-IP limit raised. better-auth: from npm, mounted with `toNodeHandler` on a plain Node `http` server (`scripts/bench/peers/better-auth-server.ts`), email and password on, `NODE_ENV=production`, its rate limiter off (one load generator is one client address), its own Postgres and Redis from the testkit; `GET /api/auth/get-session` with the session cookie (and the cookie-cache cookie where on). Keycloak: the distribution zip from Maven Central, `kc.sh start-dev` with its own default heap (64 to 512 MiB), a realm, a public client allowed the password grant, and a user made through the admin REST API; sign-in is the password grant, and the request is the OpenID Connect userinfo endpoint with the access token. The first run installs the peers into `.authscale/peers/` (gitignored; `BENCH_PEERS_DIR` moves it), pinned: better-auth with npm, Keycloak with Maven (`dependency:copy` of `org.keycloak:keycloak-quarkus-dist`) and `unzip`. Keycloak runs on a Java 21+ runtime (`JAVA_HOME` if it qualifies, else the newest in the standard JVM directory, else `java` on the PATH); without one its row is reported as not measured.',
    '',
    "Caveats. The peers run as a newcomer first runs them, not tuned for production: Keycloak in development mode (H2 inside the JVM, local caches, no cache or thread-pool tuning, default heap), better-auth with one default `pg` pool and one Redis client. The JVM compiles hot code as it runs: Keycloak's longer warm-up is for that, and a longer run could still lift its figure. authscale's stack answers a seen session at its edge's near cache, so its row measures the near-cache hit (the edge table above has the miss path); better-auth's cookie cache is the nearest peer equivalent, and it is a different product: a revoked session stays signed in until the cached cookie expires, which is why the multiples are also given against the best peer that sees a revocation at once. Every process shares this machine's cores with the load generator, so req/s are of this machine only; the shares and multiples are the figures to read. Sign-in times depend on each product's hash parameters above: a cheaper hash signs in faster and resists an offline guess less.",
  ].join('\n');
}
