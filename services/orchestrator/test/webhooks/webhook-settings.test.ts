import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '@authscale/core';
import { Webhook } from 'standardwebhooks';
import { loadOrchestratorConfig } from '../../src/index.ts';
import { checkWebhookUrl } from '../../src/webhooks/check-webhook-url.ts';
import { isPublicAddress } from '../../src/webhooks/guarded-lookup.ts';
import { newWebhookSecret } from '../../src/webhooks/new-webhook-secret.ts';
import { retryDelayMs } from '../../src/webhooks/retry-delay.ts';
import { signWebhook } from '../../src/webhooks/sign-webhook.ts';
import { loadWebhookDispatcherConfig } from '../../src/webhooks/webhook-dispatcher-config.ts';

const required = {
  INTERNAL_API_TOKEN: 'i'.repeat(32),
  TOTP_ENCRYPTION_KEY: 't'.repeat(32),
  SESSION_REPLICAS: 'http://127.0.0.1:8081',
  SES_REGION: 'eu-west-1',
};

describe('webhook settings and signing', () => {
  it('takes https endpoint URLs only, unless INSECURE_WEBHOOK_HTTP allows http', () => {
    assert.equal(checkWebhookUrl('https://hooks.example.com/in', { allowHttp: false }), 'https://hooks.example.com/in');
    for (const url of ['http://hooks.example.com/in', 'ftp://x', 'not a url', 'https://u:p@hooks.example.com/']) {
      assert.throws(() => checkWebhookUrl(url, { allowHttp: false }), { code: 'invalid_request' }, url);
    }
    assert.equal(checkWebhookUrl('http://127.0.0.1:9/in', { allowHttp: true }), 'http://127.0.0.1:9/in');
  });

  it("the dispatcher's own settings: none of the orchestrator's other secrets, IAM tokens only without a URL", () => {
    const deployed = {
      TOTP_ENCRYPTION_KEY: 't'.repeat(32),
      PUBLIC_ORIGIN: 'https://auth.example.com',
      DATABASE_IAM_AUTH: 'true',
      AWS_REGION: 'eu-west-1',
    };
    const config = loadWebhookDispatcherConfig(deployed);
    assert.equal(config.DATABASE_IAM_AUTH, true);
    assert.ok(!('INTERNAL_API_TOKEN' in config) && !('JWT_SIGNING_KEYS' in config));
    assert.throws(
      () =>
        loadWebhookDispatcherConfig({ ...deployed, EVENTS_DATABASE_URL: 'postgres://authscale_events@db/authscale' }),
      (error: unknown) =>
        error instanceof ConfigError && error.problems.some((problem) => problem.includes('unset EVENTS_DATABASE_URL')),
    );
    assert.throws(
      () => loadWebhookDispatcherConfig({ ...deployed, INSECURE_WEBHOOK_PRIVATE_ADDRESSES: 'true' }),
      (error: unknown) => error instanceof ConfigError,
    );
  });

  it('refuses the insecure webhook switches off a loopback PUBLIC_ORIGIN, and leaves them off by default', () => {
    const deployed = loadOrchestratorConfig({ ...required, PUBLIC_ORIGIN: 'https://auth.example.com' });
    assert.equal(deployed.INSECURE_WEBHOOK_HTTP, false);
    assert.equal(deployed.INSECURE_WEBHOOK_PRIVATE_ADDRESSES, false);
    for (const name of ['INSECURE_WEBHOOK_HTTP', 'INSECURE_WEBHOOK_PRIVATE_ADDRESSES']) {
      assert.throws(
        () => loadOrchestratorConfig({ ...required, PUBLIC_ORIGIN: 'https://auth.example.com', [name]: 'true' }),
        (error: unknown) => error instanceof ConfigError && error.problems.some((problem) => problem.startsWith(name)),
      );
      assert.ok(loadOrchestratorConfig({ ...required, PUBLIC_ORIGIN: 'http://127.0.0.1:8080', [name]: 'true' }));
    }
  });

  it('delivers only to public unicast addresses (SSRF)', () => {
    for (const address of ['127.0.0.1', '10.0.0.7', '172.16.3.4', '192.168.1.1', '169.254.169.254', '100.64.0.1']) {
      assert.equal(isPublicAddress(address), false, address);
    }
    for (const address of ['::1', '::', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', '0.0.0.0', 'not-an-ip']) {
      assert.equal(isPublicAddress(address), false, address);
    }
    for (const address of ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946']) {
      assert.equal(isPublicAddress(address), true, address);
    }
  });

  it('doubles the back-off per failure, up to the maximum, drawn from its upper half', () => {
    const at = (failedAttempts: number, random: number) =>
      retryDelayMs({ failedAttempts, baseMs: 1000, maxMs: 10_000, random: () => random });
    assert.deepEqual(
      [1, 2, 3, 4, 5, 9].map((n) => at(n, 1)),
      [1000, 2000, 4000, 8000, 10_000, 10_000],
    );
    assert.deepEqual(
      [1, 2, 3].map((n) => at(n, 0)),
      [500, 1000, 2000],
    );
  });

  it('signs with every secret given, and each verifies on its own with the standardwebhooks library', () => {
    const [current, previous] = [newWebhookSecret(), newWebhookSecret()];
    assert.match(current, /^whsec_[A-Za-z0-9+/]{43}=$/);
    const body = JSON.stringify({ type: 'user.disabled', version: 1, timestamp: new Date().toISOString(), data: {} });
    const headers = signWebhook({ messageId: 'msg_1', timestamp: new Date(), body, secrets: [current, previous] });
    assert.equal(headers['webhook-signature']?.split(' ').length, 2);
    for (const secret of [current, previous]) assert.ok(new Webhook(secret).verify(body, headers));
    assert.throws(() => new Webhook(newWebhookSecret()).verify(body, headers), /No matching signature/);
    assert.throws(() => new Webhook(current).verify(`${body} `, headers), /No matching signature/);
  });
});
