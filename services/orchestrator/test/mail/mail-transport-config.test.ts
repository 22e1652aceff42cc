import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '@authscale/core';
import { loadOrchestratorConfig } from '../../src/index.ts';

const base = {
  INTERNAL_API_TOKEN: 'i'.repeat(32),
  TOTP_ENCRYPTION_KEY: 't'.repeat(32),
  SESSION_REPLICAS: 'http://127.0.0.1:8081',
};

const problemsOf = (values: Record<string, string>): readonly string[] => {
  try {
    loadOrchestratorConfig({ ...base, ...values });
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
};

describe('the mail transport settings', () => {
  it('refuses to start a public origin without a mail transport', () => {
    assert.match(problemsOf({ PUBLIC_ORIGIN: 'https://auth.example.com' }).join(), /SMTP_URL or SES_REGION/);
  });

  it('starts a public origin with SMTP or SES, but not both', () => {
    assert.deepEqual(
      problemsOf({ PUBLIC_ORIGIN: 'https://auth.example.com', SMTP_URL: 'smtps://u:p@mail.example.com:465' }),
      [],
    );
    assert.deepEqual(problemsOf({ PUBLIC_ORIGIN: 'https://auth.example.com', SES_REGION: 'eu-west-1' }), []);
    assert.match(
      problemsOf({
        PUBLIC_ORIGIN: 'https://auth.example.com',
        SES_REGION: 'eu-west-1',
        SMTP_URL: 'smtp://127.0.0.1:2525',
      }).join(),
      /not both/,
    );
  });

  it('lets a loopback origin run without one', () => {
    assert.deepEqual(problemsOf({ PUBLIC_ORIGIN: 'http://localhost:8080' }), []);
  });

  it('takes only smtp:// and smtps:// URLs, and names durations by their unit', () => {
    assert.match(problemsOf({ PUBLIC_ORIGIN: 'http://localhost:8080', SMTP_URL: 'http://mail:25' }).join(), /SMTP_URL/);
    const config = loadOrchestratorConfig({ ...base, PUBLIC_ORIGIN: 'http://localhost:8080' });
    assert.equal(config.EMAIL_VERIFICATION_LIFETIME_SECONDS, 24 * 3600);
    assert.equal(config.PASSWORD_RESET_LIFETIME_SECONDS, 30 * 60);
  });
});
