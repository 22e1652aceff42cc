/**
 * Login timing for an unknown email versus a wrong password, through the real route (throttle,
 * Postgres lookup, Argon2id, audit write). Not a pass/fail test: it prints the figures.
 *
 *   npx tsx services/orchestrator/test/bench/login-timing.bench.ts [rounds]
 */
import { performance } from 'node:perf_hooks';
import { startOrchestrator } from '../fixtures/orchestrator-harness.ts';

const rounds = Number(process.argv[2] ?? 40);
const harness = await startOrchestrator({ loginFreeAttempts: 100 });
const post = (payload: unknown) =>
  harness.app.inject({
    method: 'POST',
    url: '/auth/login',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify(payload),
  });

await post({ email: 'warmup@example.com', password: 'warm up the dummy hash' });
await harness.app.inject({
  method: 'POST',
  url: '/auth/signup',
  headers: { 'content-type': 'application/json' },
  payload: JSON.stringify({ email: 'known@example.com', password: 'the real passphrase' }),
});

const samples: Record<'unknown email' | 'wrong password', number[]> = { 'unknown email': [], 'wrong password': [] };
for (let round = 0; round < rounds; round += 1) {
  // Interleaved so drift in machine load hits both kinds alike.
  for (const [kind, email] of [
    ['unknown email', 'nobody@example.com'],
    ['wrong password', 'known@example.com'],
  ] as const) {
    const started = performance.now();
    const response = await post({ email, password: 'not the passphrase' });
    samples[kind].push(performance.now() - started);
    if (response.statusCode !== 401) throw new Error(`expected 401, got ${response.statusCode}`);
  }
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
};
console.log(`login timing, ${rounds} rounds each (ms):`);
for (const [kind, values] of Object.entries(samples)) {
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  console.log(
    `  ${kind.padEnd(15)} mean ${mean.toFixed(1)}  p50 ${percentile(values, 50).toFixed(1)}  p90 ${percentile(values, 90).toFixed(1)}`,
  );
}
await harness.stop();
