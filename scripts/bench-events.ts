/**
 * `npm run bench:events`: how many webhook deliveries one dispatcher process makes per second, and
 * how long an event takes from its commit to its receiver, on one machine. Runs `npm run stack`
 * (whose dispatcher is its own process, as in AWS) with a local receiver registered through the
 * API, writes events into the outbox as the application role, and writes the "Event delivery"
 * section of docs/benchmarks.md. Two phases: a burst (throughput, with a backlog), then a paced
 * stream well below it (lag, as an idle dispatcher sees it).
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createIdentity, identityRoles } from '@authscale/identity';
import { startLocalStack } from './bench/local-stack.ts';
import { describeMachine, sampleLoadAverage } from './bench/measure.ts';
import { writeBenchmarkSection } from './bench/write-benchmark-section.ts';

const burst = 2_000;
const paced = { perSecond: 20, seconds: 5 };
/** Outbox writes in flight at once during the burst, as that many requests committing together. */
const writers = 8;

// The receiver is on loopback, over plain HTTP: both refused unless the stack's origin is loopback, which it is.
process.env.INSECURE_WEBHOOK_HTTP = 'true';
process.env.INSECURE_WEBHOOK_PRIVATE_ADDRESSES = 'true';

/** Receipt times by key id; it answers 204 at once and does not verify (the benchmark is the sender's). */
const received = new Map<string, number>();
const receiver = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const at = performance.now();
    const { data } = JSON.parse(Buffer.concat(chunks).toString()) as { data: { keyId: string } };
    if (!received.has(data.keyId)) received.set(data.keyId, at);
    response.writeHead(204).end();
  });
});
receiver.listen(0, '127.0.0.1');
await once(receiver, 'listening');
const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

const stack = await startLocalStack();
const loadAverage = sampleLoadAverage();
const postgres = stack.state.processes.find(({ role }) => role === 'postgres');
if (!postgres?.url) throw new Error('the stack records no Postgres URL');
const appUrl = new URL(postgres.url);
appUrl.username = identityRoles.app;
const identity = createIdentity({ databaseUrl: appUrl.toString(), maxConnections: writers });
try {
  const origin = stack.state.edgeUrl;
  const me = (await (await fetch(`${origin}/me`, { headers: { cookie: stack.cookie } })).json()) as {
    tenant: { id: string };
  };
  const tenantId = me.tenant.id;
  // api_key.created names the tenant and is not ordered by user, so deliveries run side by side.
  const created = await fetch(`${origin}/api/tenants/${tenantId}/webhooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin, cookie: stack.cookie },
    body: JSON.stringify({ url: receiverUrl, eventTypes: ['api_key.created'] }),
  });
  if (created.status !== 201)
    throw new Error(`creating the endpoint answered ${created.status}: ${await created.text()}`);

  const committed = new Map<string, number>();
  const publish = async () => {
    const keyId = randomUUID();
    await identity.events.publish({ type: 'api_key.created', data: { userId: stack.userId, tenantId, keyId } });
    committed.set(keyId, performance.now());
    return keyId;
  };
  const until = async (done: () => boolean, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`${received.size} of ${committed.size} events arrived in time`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  // Burst: every event committed as fast as `writers` connections allow, then drained.
  const burstStart = performance.now();
  const burstIds: string[] = [];
  let started = 0;
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (started++ < burst) burstIds.push(await publish());
    }),
  );
  const burstCommitted = performance.now();
  await until(() => burstIds.every((id) => received.has(id)), 120_000);
  const burstEnd = Math.max(...burstIds.map((id) => received.get(id) as number));
  const perSecond = (burstIds.length / (burstEnd - burstStart)) * 1000;

  // Paced: one event every 1/perSecond s, each on its own, the dispatcher mostly idle between them.
  const pacedIds: string[] = [];
  for (let index = 0; index < paced.perSecond * paced.seconds; index++) {
    pacedIds.push(await publish());
    await new Promise((resolve) => setTimeout(resolve, 1000 / paced.perSecond));
  }
  await until(() => pacedIds.every((id) => received.has(id)), 30_000);
  const lags = (ids: string[]) =>
    ids.map((id) => (received.get(id) as number) - (committed.get(id) as number)).sort((a, b) => a - b);
  const percentile = (sorted: number[], p: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
  const pacedLags = lags(pacedIds);
  const burstLags = lags(burstIds);
  const load = loadAverage.stop();
  const ms = (value: number) => `${value.toFixed(0)} ms`;

  const body = [
    `Command: \`npm run bench:events\`, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC. Machine: ${describeMachine()}; 1-minute load average during the run ${load.min.toFixed(1)} to ${load.max.toFixed(1)}.`,
    '',
    '| measure | measured here |',
    '| --- | --- |',
    `| deliveries per second, one dispatcher process, a backlog of ${burst.toLocaleString('en-US')} events | ${Math.round(perSecond).toLocaleString('en-US')}/s (${burst.toLocaleString('en-US')} committed in ${ms(burstCommitted - burstStart)}, all received ${ms(burstEnd - burstStart)} after the first commit) |`,
    `| lag, commit to receipt, ${paced.perSecond} events/s for ${paced.seconds} s | p50 ${ms(percentile(pacedLags, 50))}, p99 ${ms(percentile(pacedLags, 99))}, max ${ms(pacedLags.at(-1) as number)} |`,
    `| lag during the burst (queueing included) | p50 ${ms(percentile(burstLags, 50))}, p99 ${ms(percentile(burstLags, 99))} |`,
    '',
    `How: \`npm run stack\` (the dispatcher its own process, as \`authscale_events\`, with the default settings: 8 deliveries in flight, an idle poll every ${process.env.WEBHOOK_POLL_INTERVAL_MS ?? 1000} ms), one tenant endpoint for \`api_key.created\` created through the edge, and a plain HTTP receiver in the benchmark process that answers 204 at once without verifying. The benchmark writes the events into the outbox as the application role (\`identity.events.publish\`, one transaction each, ${writers} at once during the burst); "commit" is when that write returned, "receipt" when the receiver had the body, both on the benchmark's clock. Each delivery is a fan-out row, a claim, a signed POST and a settle, each its own statement on the one Postgres; the dispatcher, Postgres, the receiver and the rest of the stack share the two cores. The paced lag is mostly the idle poll: a dispatcher that found nothing waits for it before looking again.`,
  ].join('\n');
  console.log(body);
  writeBenchmarkSection({ title: 'Event delivery', body });
  console.log('\nwritten to docs/benchmarks.md');
} finally {
  await identity.close();
  await stack.stop();
  receiver.close();
}
process.exit(0);
