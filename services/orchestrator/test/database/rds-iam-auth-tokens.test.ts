import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '@authscale/core';
import { rdsIamAuthTokens } from '../../src/database/rds-iam-auth-tokens.ts';
import { loadOrchestratorConfig } from '../../src/index.ts';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const proxy = { host: 'authscale-proxy.proxy-abc123.eu-west-1.rds.amazonaws.com', port: 5432, user: 'authscale_app' };

describe('rdsIamAuthTokens', () => {
  it('signs a connect token for the host, port and user being connected to, valid 15 minutes', async () => {
    const tokenFor = rdsIamAuthTokens({ region: 'eu-west-1', credentials });
    const token = await tokenFor(proxy);
    const url = new URL(`https://${token}`);
    assert.equal(url.host, `${proxy.host}:${proxy.port}`);
    assert.equal(url.searchParams.get('Action'), 'connect');
    assert.equal(url.searchParams.get('DBUser'), 'authscale_app');
    assert.equal(url.searchParams.get('X-Amz-Expires'), '900');
    assert.match(
      String(url.searchParams.get('X-Amz-Credential')),
      /^AKIDEXAMPLE\/\d{8}\/eu-west-1\/rds-db\/aws4_request$/,
    );
    assert.match(String(url.searchParams.get('X-Amz-Signature')), /^[0-9a-f]{64}$/);
    // The rotation clone is another database user: its token names it.
    const clone = new URL(`https://${await tokenFor({ ...proxy, user: 'authscale_app_clone' })}`);
    assert.equal(clone.searchParams.get('DBUser'), 'authscale_app_clone');
  });
});

describe('DATABASE_IAM_AUTH', () => {
  const required = {
    INTERNAL_API_TOKEN: 'i'.repeat(32),
    TOTP_ENCRYPTION_KEY: 't'.repeat(32),
    SESSION_REPLICAS: 'http://127.0.0.1:8081',
    PUBLIC_ORIGIN: 'https://auth.example.com',
    SES_REGION: 'eu-west-1',
  };

  it('is off by default and read as a switch', () => {
    assert.equal(loadOrchestratorConfig(required).DATABASE_IAM_AUTH, false);
    assert.equal(loadOrchestratorConfig({ ...required, DATABASE_IAM_AUTH: 'true' }).DATABASE_IAM_AUTH, true);
  });

  it('refuses DATABASE_URL beside it, whose password node-postgres would send instead of the token', () => {
    assert.throws(
      () =>
        loadOrchestratorConfig({ ...required, DATABASE_IAM_AUTH: 'true', DATABASE_URL: 'postgres://a@127.0.0.1/db' }),
      (error: Error) => error instanceof ConfigError && /DATABASE_IAM_AUTH/.test(error.message),
    );
  });
});
