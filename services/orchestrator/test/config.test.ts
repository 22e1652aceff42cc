import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '@authscale/core';
import { loadOrchestratorConfig } from '../src/index.ts';

const required = {
  INTERNAL_API_TOKEN: 'i'.repeat(32),
  TOTP_ENCRYPTION_KEY: 't'.repeat(32),
  SESSION_REPLICAS: 'http://127.0.0.1:8081',
  PUBLIC_ORIGIN: 'https://auth.example.com',
  SES_REGION: 'eu-west-1',
};

const problemsOf = (values: Record<string, string>): readonly string[] => {
  try {
    loadOrchestratorConfig({ ...required, ...values });
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
};

describe('loadOrchestratorConfig', () => {
  it('reads list settings from comma lists', () => {
    const config = loadOrchestratorConfig({
      ...required,
      SESSION_REPLICAS: 'http://10.0.1.7:8081, http://10.0.2.7:8081',
      WEBAUTHN_ORIGINS: 'https://auth.example.com,android:apk-key-hash:abc',
      TOTP_PREVIOUS_ENCRYPTION_KEYS: `k0:${'a'.repeat(32)},k1:${'b'.repeat(32)}`,
    });
    assert.deepEqual(config.SESSION_REPLICAS, ['http://10.0.1.7:8081', 'http://10.0.2.7:8081']);
    assert.deepEqual(config.WEBAUTHN_ORIGINS, ['https://auth.example.com', 'android:apk-key-hash:abc']);
    assert.deepEqual(config.TOTP_PREVIOUS_ENCRYPTION_KEYS, [`k0:${'a'.repeat(32)}`, `k1:${'b'.repeat(32)}`]);
    assert.deepEqual(loadOrchestratorConfig(required).TOTP_PREVIOUS_ENCRYPTION_KEYS, []);
  });

  it('checks PUBLIC_ORIGIN, the replicas and the retired keys as the other services do', () => {
    assert.match(problemsOf({ PUBLIC_ORIGIN: 'https://auth.example.com/' }).join(), /PUBLIC_ORIGIN/);
    assert.match(problemsOf({ SESSION_REPLICAS: 'session:8081' }).join(), /SESSION_REPLICAS/);
    assert.match(problemsOf({ TOTP_PREVIOUS_ENCRYPTION_KEYS: 'no-key-id' }).join(), /TOTP_PREVIOUS_ENCRYPTION_KEYS/);
  });

  it('counts proxy hops in TRUST_PROXY_HOPS and refuses the retired TRUST_PROXY', () => {
    assert.equal(loadOrchestratorConfig(required).TRUST_PROXY_HOPS, 0);
    assert.equal(loadOrchestratorConfig({ ...required, TRUST_PROXY_HOPS: '2' }).TRUST_PROXY_HOPS, 2);
    assert.deepEqual(problemsOf({ TRUST_PROXY: 'true' }), [
      'TRUST_PROXY: no longer read; set TRUST_PROXY_HOPS instead',
    ]);
  });

  it('has no default public origin, and refuses the insecure opt-outs for one that is not loopback', () => {
    const { PUBLIC_ORIGIN: _unset, ...withoutOrigin } = required;
    assert.throws(() => loadOrchestratorConfig(withoutOrigin), ConfigError);
    assert.equal(problemsOf({ INSECURE_EPHEMERAL_SIGNING_KEY: 'true' }).length, 1);
    assert.equal(problemsOf({ INSECURE_LOCAL_HTTP_COOKIES: 'true' }).length, 1);
    assert.deepEqual(
      problemsOf({ INSECURE_EPHEMERAL_SIGNING_KEY: 'true', PUBLIC_ORIGIN: 'http://localhost:8080' }),
      [],
    );
  });
});

describe('DATABASE_IAM_AUTH', () => {
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
