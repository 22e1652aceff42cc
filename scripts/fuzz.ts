/**
 * `npm run fuzz`: Schemathesis, a third-party OpenAPI fuzzer, against `npm start` with
 * docs/openapi.json, the way an outside reviewer runs it: without credentials, with a bearer token
 * and with the session cookie; and against its admin API with docs/admin-openapi.json and the
 * operator key `npm start` prints. Any failed check fails the run: a 5xx, an answer the document does
 * not list, a schema-valid request refused, a route that ignores missing or bad credentials.
 * `schemathesis.toml` at the root holds the one rule the schema cannot state. Arguments after `--`
 * go to every Schemathesis run (`npm run fuzz -- --max-examples 50 --seed 7`).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, spawnServer, stopProcess, waitFor } from '@authscale/testkit';
import { signInThroughEdge } from './bench/edge/sign-in-through-edge.ts';
import { pythonTool } from './python-tool.ts';

const schemathesisVersion = '4.32.5';
const root = resolve(import.meta.dirname, '..');
const contract = join(root, 'docs', 'openapi.json');
const adminContract = join(root, 'docs', 'admin-openapi.json');
const extraArguments = process.argv.slice(2);
// These end the session a run authenticates with, after which it would test only the refusal:
// they get runs of their own, each with a fresh credential.
const sessionEnding = ['POST /auth/logout', 'DELETE /auth/sessions', 'DELETE /auth/sessions/{id}'];

const st = pythonTool('schemathesis', schemathesisVersion);
const home = mkdtempSync(join(tmpdir(), 'authscale-fuzz-'));
// The embedded PostgreSQL runs as `postgres` when we are root, and must reach its data directory.
chmodSync(home, 0o755);
const [port, adminPort] = [await freePort(), await freePort()];
const base = `http://localhost:${port}`;
const adminBase = `http://127.0.0.1:${adminPort}`;
// An `npm start` of its own, in a temp dir: its database and mail never mix with the developer's.
// One fuzzer is one address making thousands of requests; it is counted, never refused.
const platform = spawnServer(
  process.execPath,
  [join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, 'scripts/start.ts')],
  {
    cwd: home,
    env: {
      ...process.env,
      PORT: String(port),
      ADMIN_API_PORT: String(adminPort),
      RATE_LIMIT_EXEMPT_CIDRS: '127.0.0.0/8',
      LOG_LEVEL: 'error',
    },
  },
);
platform.stderr?.pipe(process.stderr);
// `npm start` prints a key with every operator scope for the run; the admin run authenticates with it.
let printed = '';
platform.stdout?.on('data', (chunk) => {
  printed += chunk;
});

let failed = false;
try {
  await waitFor(async () => ((await fetch(`${base}/readyz`)).ok ? true : undefined), {
    timeoutMs: 120_000,
    what: 'npm start',
  });
  // A session of its own for each authenticated run, all signed in before any run: the fuzzer
  // signs in with wrong passwords too, and an account's sign-in back-off would then refuse ours.
  const signedIn = () => signInThroughEdge({ edgeUrl: base, origin: base });
  const [bearer, cookie, lastBearer, lastCookie] = [
    await signedIn(),
    await signedIn(),
    await signedIn(),
    await signedIn(),
  ];
  const runs: [string, string[]][] = [
    ['without credentials', []],
    ['bearer token', [...bearerHeader(bearer.accessToken), ...excluded()]],
    ['session cookie', [...cookieHeaders(cookie.cookie), ...excluded()]],
    ['bearer token, session-ending routes', [...bearerHeader(lastBearer.accessToken), ...included()]],
    ['session cookie, session-ending routes', [...cookieHeaders(lastCookie.cookie), ...included()]],
  ];
  for (const [title, credentials] of runs) failed = !schemathesis(title, credentials) || failed;
  const operatorKey = await waitFor(async () => /operator key for this run: (aso_\S+)/.exec(printed)?.[1], {
    timeoutMs: 30_000,
    what: 'the operator key npm start prints',
  });
  failed = !schemathesis('admin API, operator key', bearerHeader(operatorKey), adminContract, adminBase) || failed;
} finally {
  await stopProcess(platform, 'SIGINT', 30_000);
  rmSync(home, { recursive: true, force: true });
}
console.log(failed ? '\nnpm run fuzz: Schemathesis found failures (above).' : '\nnpm run fuzz: every run is clean.');
process.exit(failed ? 1 : 0);

function schemathesis(title: string, credentials: string[], document = contract, url = base): boolean {
  console.log(`\n== Schemathesis: ${title} ==`);
  const result = spawnSync(
    st,
    [
      '--config-file',
      join(root, 'schemathesis.toml'),
      'run',
      document,
      '--url',
      url,
      '--max-examples',
      '5',
      '--seed',
      '1',
      ...credentials,
      ...extraArguments,
    ],
    // Its cache (`.schemathesis/`) goes to the temp dir, not the checkout.
    { stdio: 'inherit', cwd: home },
  );
  return result.status === 0;
}

function bearerHeader(token: string): string[] {
  return ['-H', `Authorization: Bearer ${token}`];
}

function cookieHeaders(cookie: string): string[] {
  // A state-changing request that carries the cookie needs the page's own Origin (CSRF).
  return ['-H', `Cookie: ${cookie}`, '-H', `Origin: ${base}`];
}

function excluded(): string[] {
  return sessionEnding.flatMap((name) => ['--exclude-name', name]);
}

function included(): string[] {
  return sessionEnding.flatMap((name) => ['--include-name', name]);
}
