/**
 * `npm run bench:password-reset`: how many password-reset requests one orchestrator process (one
 * core: Node serves requests on one thread) answers per second, while its mail goes to an SMTP
 * server that takes 2 s to accept each message. The answer never waits for the mail: it is
 * queued (docs/email.md), so the figure is the request's own work (a Postgres write replacing the
 * link, an audit row) and the queue's. Runs `npm run stack` with the slow server as SMTP_URL,
 * loads the orchestrator directly (the edge's per-account limit would refuse a benchmark), and
 * writes the "Password reset" section of docs/benchmarks.md.
 */
import { startSmtpSink } from '@authscale/testkit';
import autocannon from 'autocannon';
import { startLocalStack } from './bench/local-stack.ts';
import { describeMachine, sampleLoadAverage } from './bench/measure.ts';
import { cpuMicros } from './bench/process-cpu.ts';
import { writeBenchmarkSection } from './bench/write-benchmark-section.ts';

const seconds = 5;
const connections = 16;
const acceptDelayMs = 2000;

const sink = await startSmtpSink({ acceptDelayMs });
// startLocalStack hands this process's environment to `npm run stack`, which hands SMTP_URL on.
process.env.SMTP_URL = sink.url;
const stack = await startLocalStack();
const loadAverage = sampleLoadAverage();
try {
  const orchestrator = stack.state.processes.find(({ role }) => role === 'orchestrator');
  if (!orchestrator) throw new Error('the stack has no orchestrator');
  const origin = `http://127.0.0.1:${orchestrator.port}`;
  const email = `reset-bench-${Date.now()}@example.test`;
  const signup = await fetch(`${origin}/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'bench correct horse battery staple' }),
  });
  if (signup.status !== 201) throw new Error(`signup answered ${signup.status}`);

  const cpuBefore = cpuMicros(orchestrator.pid);
  const mailsBefore = sink.messages().length;
  const result = await autocannon({
    url: `${origin}/auth/password/reset/request`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email }),
    connections,
    duration: seconds,
  });
  const cpuAfter = cpuMicros(orchestrator.pid);
  const answered = result.requests.total;
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${result.non2xx} answers were not 2xx and ${result.errors} requests failed`);
  }
  const cpuPerRequest = cpuBefore === null || cpuAfter === null ? null : (cpuAfter - cpuBefore) / answered;
  const perCore = cpuPerRequest ? Math.round(1_000_000 / cpuPerRequest) : null;
  const mailsDuring = sink.messages().length - mailsBefore;
  const load = loadAverage.stop();

  const body = [
    `Command: \`npm run bench:password-reset\`, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC. Machine: ${describeMachine()}; 1-minute load average during the run ${load.min.toFixed(1)} to ${load.max.toFixed(1)}.`,
    '',
    '| measure | measured here |',
    '| --- | --- |',
    `| password-reset requests per second on one core, mail sent asynchronously | ${perCore === null ? 'n/a (no /proc)' : perCore.toLocaleString('en-US')} per second of orchestrator CPU (${cpuPerRequest?.toFixed(0)} µs a request); ${Math.round(answered / seconds).toLocaleString('en-US')} req/s served, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, all 202 |`,
    '',
    `How: \`POST /auth/password/reset/request\` for one existing account, straight to the orchestrator of \`npm run stack\` (its Postgres on this machine), closed loop, ${connections} connections, ${seconds} s, autocannon in the benchmark process. Each request replaces the account's reset link in Postgres, writes an audit row and queues the mail. The SMTP server (SMTP_URL) takes ${acceptDelayMs / 1000} s to accept each message, so it accepted ${mailsDuring.toLocaleString('en-US')} of the ${answered.toLocaleString('en-US')} messages during the run: the answers did not wait for it, and the rest waited in the mail queue (at most 1,000; beyond that a message is dropped and logged, docs/email.md). "On one core" is the orchestrator process's own CPU time (from /proc) divided into one second; it serves requests on one thread, and shares the two cores with Postgres and the load generator here.`,
  ].join('\n');
  console.log(body);
  writeBenchmarkSection({ title: 'Password reset', body });
  console.log('\nwritten to docs/benchmarks.md');
} finally {
  await stack.stop();
  await sink.stop();
}
process.exit(0);
