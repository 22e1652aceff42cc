import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { rdsIamAuthTokens } from '../../src/database/rds-iam-auth-tokens.ts';

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

  it('signs each connection afresh, with credentials that outlive the token', async (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: Date.parse('2026-01-01T00:00:00Z') });
    const expiringSoon = {
      ...credentials,
      accessKeyId: 'AKIDEXPIRINGSOON',
      expiration: new Date(Date.now() + 5 * 60_000),
    };
    const refreshed = { ...credentials, accessKeyId: 'AKIDREFRESHED', expiration: new Date(Date.now() + 60 * 60_000) };
    // As the task role's provider: it answers its cached credentials unless told to refresh them.
    const provider = mock.fn(async (options?: { forceRefresh?: boolean }) =>
      options?.forceRefresh ? refreshed : expiringSoon,
    );
    const tokenFor = rdsIamAuthTokens({ region: 'eu-west-1', credentials: provider });
    const first = new URL(`https://${await tokenFor(proxy)}`);
    // A token signed with credentials that expire in 5 minutes would stop working then, not after 15.
    assert.match(String(first.searchParams.get('X-Amz-Credential')), /^AKIDREFRESHED\//);
    t.mock.timers.tick(14 * 60_000);
    const later = new URL(`https://${await tokenFor(proxy)}`);
    // No token is kept: the next connection's is signed when it opens, valid 15 minutes from then.
    assert.equal(first.searchParams.get('X-Amz-Date'), '20260101T000000Z');
    assert.equal(later.searchParams.get('X-Amz-Date'), '20260101T001400Z');
  });
});
