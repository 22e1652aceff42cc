import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { derivePrincipalKey, principalHeaderName, signPrincipal } from '@authscale/core';
import { createIdentity, UnsafeDatabaseRoleError } from '@authscale/identity';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { buildOrchestratorApp } from '../src/index.ts';
import { createRefreshTokenStore } from '../src/refresh-tokens/create-refresh-token-store.ts';
import {
  type Harness,
  internalApiToken,
  internalApiTokenRotation,
  startOrchestrator,
} from './fixtures/orchestrator-harness.ts';

describe('the orchestrator service', () => {
  let harness: Harness;
  before(async () => {
    harness = await startOrchestrator();
  });
  after(() => harness.stop());

  it('answers GET /healthz and GET /readyz', async () => {
    const health = await harness.app.inject({ method: 'GET', url: '/healthz' });
    assert.deepEqual(health.json(), { status: 'ok' });
    const ready = await harness.app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(ready.statusCode, 200);
    assert.deepEqual(ready.json().checks, { postgres: 'ok', dynamodb: 'ok' });
  });

  it('refuses to start with the table owner as its database role', async () => {
    const identity = createIdentity({ databaseUrl: harness.database.ownerUrl });
    try {
      await assert.rejects(
        buildOrchestratorApp(harness.config, {
          identity,
          sessions: harness.sessions,
          refreshTokens: harness.refreshTokens,
          apiKeys: harness.apiKeys,
          loginThrottle: harness.loginThrottle,
          signingKeys: harness.signingKeys,
          mail: harness.mail,
        }),
        (error: Error) => error instanceof UnsafeDatabaseRoleError && /owns table/.test(error.message),
      );
    } finally {
      await identity.close();
    }
  });

  it('refuses to start as a superuser', async () => {
    const identity = createIdentity({ databaseUrl: harness.database.adminUrl });
    try {
      await assert.rejects(
        buildOrchestratorApp(harness.config, {
          identity,
          sessions: harness.sessions,
          refreshTokens: harness.refreshTokens,
          apiKeys: harness.apiKeys,
          loginThrottle: harness.loginThrottle,
          signingKeys: harness.signingKeys,
          mail: harness.mail,
        }),
        UnsafeDatabaseRoleError,
      );
    } finally {
      await identity.close();
    }
  });

  it('is not ready while DynamoDB is unreachable', async () => {
    const identity = createIdentity({ databaseUrl: harness.database.appUrl });
    const unreachable = new DynamoDBClient({
      endpoint: 'http://127.0.0.1:1',
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    const app = await buildOrchestratorApp(harness.config, {
      identity,
      sessions: harness.sessions,
      refreshTokens: createRefreshTokenStore({ client: unreachable, tableName: 'none' }),
      apiKeys: harness.apiKeys,
      loginThrottle: harness.loginThrottle,
      signingKeys: harness.signingKeys,
      mail: harness.mail,
      close: () => identity.close(),
    });
    try {
      const ready = await app.inject({ method: 'GET', url: '/readyz' });
      assert.equal(ready.statusCode, 503);
      assert.deepEqual(ready.json().checks, { postgres: 'ok', dynamodb: 'failing' });
    } finally {
      await app.close();
      unreachable.destroy();
    }
  });

  it('requires a valid principal assertion on non-public routes', async () => {
    for (const headers of [{}, { 'x-authscale-principal': 'forged' }, { 'x-user-id': 'someone' }]) {
      const response = await harness.app.inject({ method: 'GET', url: '/api/projects', headers });
      assert.equal(response.statusCode, 401);
      assert.equal(response.json().error.code, 'unauthenticated');
    }
  });

  it("accepts assertions signed with the secret's previous or next key while it rotates, and no other", async () => {
    const signedWith = async (secret: string) => ({
      [principalHeaderName]: await signPrincipal({
        principal: { userId: 'someone', sessionId: 'sid', amr: ['pwd'], acr: 'aal1', authTime: 1, kind: 'session' },
        key: derivePrincipalKey(secret),
      }),
    });
    const statusWith = async (secret: string) =>
      (await harness.app.inject({ method: 'GET', url: '/me', headers: await signedWith(secret) })).statusCode;
    for (const secret of [internalApiToken, internalApiTokenRotation.previous, internalApiTokenRotation.next]) {
      assert.notEqual(await statusWith(secret), 401);
    }
    assert.equal(await statusWith(randomBytes(32).toString('base64url')), 401);
  });
});
