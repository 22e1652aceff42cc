import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createIdentityTestDatabase, type IdentityTestDatabase } from '@authscale/identity/testing';
import { freePort, sharedServers, spawnServer, stopProcess, waitFor } from '@authscale/testkit';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createRefreshTokenTable } from '../src/index.ts';
import { internalApiToken } from './fixtures/orchestrator-harness.ts';
import { startSessionReplica } from './fixtures/start-session-replica.ts';

const root = new URL('../../../', import.meta.url).pathname;

/** Runs `services/orchestrator/src/main.ts` as a process, as a container would. */
async function runMain(env: Record<string, string>) {
  const port = await freePort();
  const child = spawnServer(process.execPath, ['--import', 'tsx', 'services/orchestrator/src/main.ts'], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env, HOST: '127.0.0.1', PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  // Registered for cleanup by spawnServer, which also unrefs it; this test waits for its exit.
  child.ref();
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { url: `http://127.0.0.1:${port}`, child, exited, stderr: () => stderr };
}

describe('the orchestrator process', () => {
  let database: IdentityTestDatabase;
  let replica: Awaited<ReturnType<typeof startSessionReplica>>;
  let env: Record<string, string>;

  before(async () => {
    const servers = await sharedServers();
    database = await createIdentityTestDatabase(servers.postgres.url);
    replica = await startSessionReplica(internalApiToken);
    const tableName = `tokens-${randomUUID()}`;
    const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
    const dynamodb = new DynamoDBClient({ endpoint: servers.dynamodb.endpoint, region: 'us-east-1', credentials });
    await createRefreshTokenTable({ client: dynamodb, tableName });
    dynamodb.destroy();
    env = {
      DATABASE_URL: database.appUrl,
      INTERNAL_API_TOKEN: internalApiToken,
      PUBLIC_ORIGIN: 'http://localhost:8080',
      TOTP_ENCRYPTION_KEY: `totp-key-${randomUUID()}`,
      SESSION_REPLICAS: replica.url,
      DYNAMODB_ENDPOINT: servers.dynamodb.endpoint,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      TOKEN_TABLE_NAME: tableName,
      INSECURE_EPHEMERAL_SIGNING_KEY: 'true',
    };
  });

  after(async () => {
    await replica.stop();
    await database.drop();
  });

  it('boots from its environment and signs a user in over HTTP', async () => {
    const main = await runMain(env);
    try {
      await waitFor(
        async () => {
          if (main.child.exitCode !== null) throw new Error(`exited early:\n${main.stderr()}`);
          return (await fetch(`${main.url}/readyz`)).status === 200 ? true : undefined;
        },
        { what: 'orchestrator /readyz', timeoutMs: 90_000 },
      );
      assert.match(main.stderr(), /INSECURE_EPHEMERAL_SIGNING_KEY/);
      const jwks = (await (await fetch(`${main.url}/.well-known/jwks.json`)).json()) as { keys: unknown[] };
      assert.equal(jwks.keys.length, 1);
      const credentials = JSON.stringify({ email: 'process@example.com', password: 'a long enough passphrase' });
      const headers = { 'content-type': 'application/json' };
      assert.equal(
        (await fetch(`${main.url}/auth/signup`, { method: 'POST', headers, body: credentials })).status,
        201,
      );
      const login = await fetch(`${main.url}/auth/login`, { method: 'POST', headers, body: credentials });
      assert.equal(login.status, 200);
      assert.match(((await login.json()) as { refreshToken: string }).refreshToken, /^rt_/);
    } finally {
      await stopProcess(main.child);
    }
  });

  it('refuses to start as the owner of the tables', async () => {
    const main = await runMain({ ...env, DATABASE_URL: database.ownerUrl });
    assert.notEqual(await main.exited, 0);
    assert.match(main.stderr(), /UnsafeDatabaseRoleError/);
    assert.match(main.stderr(), /owns table "projects"/);
  });

  it('refuses to start without signing keys unless the insecure opt-out is given', async () => {
    const { INSECURE_EPHEMERAL_SIGNING_KEY: _optOut, ...withoutOptOut } = env;
    const main = await runMain(withoutOptOut);
    assert.notEqual(await main.exited, 0);
    assert.match(main.stderr(), /JWT_SIGNING_KEYS is required/);
  });
});
