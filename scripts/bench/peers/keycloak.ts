import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdirSync, openSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { freePorts, waitFor } from '@authscale/testkit';
import { peerCacheDir } from './peer-cache.ts';
import { rssMiB } from './process-memory.ts';
import { medianSignIn } from './sign-ins.ts';
import type { StartedTarget } from './started-target.ts';

/** The release measured: Maven Central's `org.keycloak:keycloak-quarkus-dist` zip. */
export const keycloakVersion = '26.7.3';

/**
 * Keycloak's default password hash outside FIPS mode (the `argon2` password-hashing provider's
 * defaults in its server configuration guide); the run reads the user's stored credential too.
 */
export const keycloakHashing = 'Argon2id, 7 MiB (7168 KiB), 5 iterations, parallelism 1';

/**
 * The unpacked distribution in the peer cache: fetched with Maven (`dependency:copy` of the
 * distribution zip) and unzipped the first time, reused after. Needs `mvn` and `unzip`.
 */
export function installKeycloak(): string {
  const cache = join(peerCacheDir(), 'keycloak');
  const home = join(cache, `keycloak-${keycloakVersion}`);
  if (existsSync(join(home, 'bin', 'kc.sh'))) return home;
  mkdirSync(cache, { recursive: true });
  const zip = join(cache, `keycloak-quarkus-dist-${keycloakVersion}.zip`);
  const run = (command: string, args: string[]) => {
    console.error(`[bench:peers] ${command} ${args.join(' ')}`);
    const result = spawnSync(command, args, { cwd: cache, stdio: ['ignore', 'inherit', 'inherit'] });
    if (result.error || result.status !== 0) {
      throw new Error(`${command} failed: ${result.error?.message ?? `exit ${result.status}`}`);
    }
  };
  if (!existsSync(zip)) {
    run('mvn', [
      '-q',
      'dependency:copy',
      `-Dartifact=org.keycloak:keycloak-quarkus-dist:${keycloakVersion}:zip`,
      `-DoutputDirectory=${cache}`,
    ]);
  }
  run('unzip', ['-q', '-o', zip]);
  return home;
}

/**
 * Keycloak in development mode (`kc.sh start-dev`: embedded H2 database, local caches, its
 * default heap of 64 MiB to 512 MiB) on `javaHome`, from an empty data directory; then a realm, a
 * public client allowed the password grant, and a user with a password, through the admin REST
 * API; then that user's sign-in (the password grant, timed). Its "who is this session" request is
 * the OpenID Connect userinfo endpoint with the access token, which finds the token's user
 * session on every call.
 */
export async function startKeycloak({ home, javaHome, logFile }: { home: string; javaHome: string; logFile: string }) {
  rmSync(join(home, 'data'), { recursive: true, force: true });
  const [port, managementPort] = (await freePorts(2)) as [number, number];
  const admin = { username: 'admin', password: randomUUID() };
  const log = openSync(logFile, 'a');
  const child: ChildProcess = spawn(
    join(home, 'bin', 'kc.sh'),
    ['start-dev', `--http-port=${port}`, `--http-management-port=${managementPort}`, '--http-host=127.0.0.1'],
    {
      env: {
        ...process.env,
        JAVA_HOME: javaHome,
        PATH: `${join(javaHome, 'bin')}:${process.env.PATH ?? ''}`,
        KC_BOOTSTRAP_ADMIN_USERNAME: admin.username,
        KC_BOOTSTRAP_ADMIN_PASSWORD: admin.password,
      },
      stdio: ['ignore', log, log],
      // Its own process group: kc.sh runs java as its child, and both end together.
      detached: true,
    },
  );
  const pid = child.pid ?? -1;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    const signal = (name: NodeJS.Signals) => {
      try {
        process.kill(-pid, name);
      } catch {
        // The group is gone already.
      }
    };
    signal('SIGTERM');
    const timer = setTimeout(() => signal('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    const url = `http://127.0.0.1:${port}`;
    const exited = once(child, 'exit').then(([code]) => {
      throw new Error(`kc.sh exited with ${code} before Keycloak was ready; see ${logFile}`);
    });
    await Promise.race([
      exited,
      waitFor(async () => ((await fetch(`${url}/realms/master`).catch(() => null))?.ok ? true : undefined), {
        what: `Keycloak on ${port} (log: ${logFile})`,
        timeoutMs: 600_000,
        intervalMs: 1_000,
      }),
    ]);
    exited.catch(() => {});
    const user = await provision(url, admin);
    const tokenUrl = `${url}/realms/bench/protocol/openid-connect/token`;
    const { ms, last: accessToken } = await medianSignIn(async () => {
      const answer = await fetch(tokenUrl, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'password',
          client_id: 'bench',
          username: user.username,
          password: user.password,
          scope: 'openid',
        }),
      });
      if (!answer.ok) throw new Error(`Keycloak password grant answered ${answer.status}: ${await answer.text()}`);
      return ((await answer.json()) as { access_token: string }).access_token;
    });
    const target: StartedTarget = {
      url: `${url}/realms/bench/protocol/openid-connect/userinfo`,
      headers: { authorization: `Bearer ${accessToken}` },
      tiers: { keycloak: { pid, withChildren: true } },
      signInMs: ms,
      // The JVM is kc.sh's child; H2 runs inside it.
      memory: () => ({ server: rssMiB([pid], { withDescendants: true }), stores: null }),
      stop,
    };
    return { target, hashing: user.hashing };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A realm, a public client with direct access grants, and a user with a password. */
async function provision(url: string, admin: { username: string; password: string }) {
  const token = await fetch(`${url}/realms/master/protocol/openid-connect/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'password', client_id: 'admin-cli', ...admin }),
  });
  if (!token.ok) throw new Error(`Keycloak admin sign-in answered ${token.status}`);
  const { access_token: adminToken } = (await token.json()) as { access_token: string };
  const call = async (path: string, method = 'GET', body?: object) => {
    const answer = await fetch(`${url}/admin/realms${path}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (!answer.ok) throw new Error(`Keycloak ${method} ${path} answered ${answer.status}: ${await answer.text()}`);
    return answer;
  };
  await call('', 'POST', { realm: 'bench', enabled: true });
  await call('/bench/clients', 'POST', {
    clientId: 'bench',
    publicClient: true,
    directAccessGrantsEnabled: true,
    standardFlowEnabled: false,
  });
  const user = { username: `bench-${randomUUID()}`, password: `bench ${randomUUID()}` };
  const created = await call('/bench/users', 'POST', {
    username: user.username,
    email: `${user.username}@example.test`,
    emailVerified: true,
    firstName: 'Bench',
    lastName: 'User',
    enabled: true,
    credentials: [{ type: 'password', value: user.password, temporary: false }],
  });
  // The stored credential names the hash and its parameters as this server applied them.
  const userId = created.headers.get('location')?.split('/').at(-1);
  const credentials = (await (await call(`/bench/users/${userId}/credentials`)).json()) as Array<{
    credentialData?: string;
  }>;
  return { ...user, hashing: describeHashing(credentials[0]?.credentialData) };
}

/** Keycloak's stored credential data (`{"algorithm":"argon2","hashIterations":5,"additionalParameters":{...}}`). */
export function describeHashing(credentialData: string | undefined): string | null {
  if (!credentialData) return null;
  try {
    const data = JSON.parse(credentialData) as {
      algorithm?: string;
      hashIterations?: number;
      additionalParameters?: Record<string, string[]>;
    };
    const parameters = Object.entries(data.additionalParameters ?? {})
      .map(([name, values]) => `${name}=${values.join(',')}`)
      .join(', ');
    return [data.algorithm, data.hashIterations === undefined ? '' : `iterations=${data.hashIterations}`, parameters]
      .filter(Boolean)
      .join(', ');
  } catch {
    return null;
  }
}
