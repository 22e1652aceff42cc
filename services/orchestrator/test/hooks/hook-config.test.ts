import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '@authscale/core';
import { hookEndpointsFromConfig } from '../../src/hooks/hook-config.ts';
import { loadOrchestratorConfig } from '../../src/index.ts';
import { newWebhookSecret } from '../../src/webhooks/new-webhook-secret.ts';

const required = {
  INTERNAL_API_TOKEN: 'i'.repeat(32),
  TOTP_ENCRYPTION_KEY: 't'.repeat(32),
  SESSION_REPLICAS: 'http://127.0.0.1:8081',
  PUBLIC_ORIGIN: 'https://auth.example.com',
  SES_REGION: 'eu-west-1',
};
const secret = newWebhookSecret();

const problemsOf = (values: Record<string, string>): readonly string[] => {
  try {
    loadOrchestratorConfig({ ...required, ...values });
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
};

describe('hook settings', () => {
  it('default to no hooks, sign-up failing closed and tokens failing open, 2 s each', () => {
    const config = loadOrchestratorConfig(required);
    assert.equal(config.HOOK_BEFORE_SIGN_UP_URL, undefined);
    assert.deepEqual([config.HOOK_BEFORE_SIGN_UP_ON_FAILURE, config.HOOK_BEFORE_TOKEN_ON_FAILURE], ['closed', 'open']);
    assert.deepEqual([config.HOOK_BEFORE_SIGN_UP_TIMEOUT_MS, config.HOOK_BEFORE_TOKEN_TIMEOUT_MS], [2000, 2000]);
  });

  it('sign with the next secret too while the receiver rotates, never with a next one alone', () => {
    const next = newWebhookSecret();
    const settings = {
      ...required,
      HOOK_BEFORE_SIGN_UP_URL: 'https://hooks.example.com/sign-up',
      HOOK_BEFORE_SIGN_UP_SECRET: secret,
      HOOK_BEFORE_SIGN_UP_SECRET_NEXT: next,
    };
    assert.deepEqual(hookEndpointsFromConfig('orchestrator', loadOrchestratorConfig(settings)).beforeSignUp?.secrets, [
      secret,
      next,
    ]);
    assert.deepEqual(problemsOf({ HOOK_BEFORE_TOKEN_SECRET_NEXT: next }), [
      'HOOK_BEFORE_TOKEN_SECRET_NEXT: only beside HOOK_BEFORE_TOKEN_SECRET',
    ]);
  });

  it('refuse a hook without its secret, its URL or its claim namespace', () => {
    assert.deepEqual(problemsOf({ HOOK_BEFORE_SIGN_UP_URL: 'https://hooks.example.com/sign-up' }), [
      'HOOK_BEFORE_SIGN_UP_URL and HOOK_BEFORE_SIGN_UP_SECRET: set both or neither',
    ]);
    assert.deepEqual(problemsOf({ HOOK_BEFORE_TOKEN_SECRET: secret }), [
      'HOOK_BEFORE_TOKEN_URL and HOOK_BEFORE_TOKEN_SECRET: set both or neither',
    ]);
    assert.deepEqual(
      problemsOf({ HOOK_BEFORE_TOKEN_URL: 'https://hooks.example.com/token', HOOK_BEFORE_TOKEN_SECRET: secret }),
      ['HOOK_BEFORE_TOKEN_CLAIM_NAMESPACE: required with HOOK_BEFORE_TOKEN_URL'],
    );
    assert.match(
      problemsOf({
        HOOK_BEFORE_TOKEN_URL: 'https://hooks.example.com/token',
        HOOK_BEFORE_TOKEN_SECRET: secret,
        HOOK_BEFORE_TOKEN_CLAIM_NAMESPACE: 'roles',
      }).join(),
      /HOOK_BEFORE_TOKEN_CLAIM_NAMESPACE: an absolute http\(s\) URL/,
    );
  });

  it('refuse a plain-HTTP URL, a malformed secret or policy, without echoing the secret', () => {
    const malformed = 'not-a-whsec-secret-but-a-password';
    const problems = problemsOf({
      HOOK_BEFORE_SIGN_UP_URL: 'http://hooks.example.com/sign-up',
      HOOK_BEFORE_SIGN_UP_SECRET: secret,
      HOOK_BEFORE_TOKEN_URL: 'https://hooks.example.com/token',
      HOOK_BEFORE_TOKEN_SECRET: malformed,
      HOOK_BEFORE_TOKEN_CLAIM_NAMESPACE: 'https://example.com/claims/',
      HOOK_BEFORE_TOKEN_ON_FAILURE: 'maybe',
    }).join('\n');
    assert.match(problems, /HOOK_BEFORE_TOKEN_SECRET/);
    assert.match(problems, /HOOK_BEFORE_TOKEN_ON_FAILURE/);
    assert.equal(problems.includes(malformed) || problems.includes(secret.slice('whsec_'.length)), false);
    assert.deepEqual(
      problemsOf({ HOOK_BEFORE_SIGN_UP_URL: 'http://hooks.example.com/sign-up', HOOK_BEFORE_SIGN_UP_SECRET: secret }),
      [
        'HOOK_BEFORE_SIGN_UP_URL: an absolute https URL without credentials or fragment (http: with INSECURE_WEBHOOK_HTTP)',
      ],
    );
  });
});
