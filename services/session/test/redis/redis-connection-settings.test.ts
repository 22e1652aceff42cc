import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '@authscale/core';
import { loadSessionConfig } from '../../src/config.ts';
import { redisConnectionSettings } from '../../src/redis/redis-connection-settings.ts';

const internalToken = { INTERNAL_API_TOKEN: 'x'.repeat(32) };
const settingsFor = (values: Record<string, string>) =>
  redisConnectionSettings(loadSessionConfig({ ...internalToken, ...values }));

describe('redisConnectionSettings', () => {
  it('keeps TLS and AUTH off for local redis:// URLs', () => {
    assert.deepEqual(
      settingsFor({
        SESSION_BACKEND: 'redis-cluster',
        REDIS_CLUSTER_URLS: 'redis://127.0.0.1:7001, redis://127.0.0.1:7002',
      }),
      { urls: ['redis://127.0.0.1:7001', 'redis://127.0.0.1:7002'], cluster: true, tls: false },
    );
    assert.deepEqual(settingsFor({ SESSION_BACKEND: 'redis', REDIS_URL: 'redis://127.0.0.1:6379' }), {
      urls: ['redis://127.0.0.1:6379'],
      cluster: false,
      tls: false,
    });
  });

  it('turns TLS on for rediss:// and passes REDIS_USERNAME and REDIS_PASSWORD, as the AWS deployment sets them', () => {
    assert.deepEqual(
      settingsFor({
        SESSION_BACKEND: 'redis-cluster',
        REDIS_CLUSTER_URLS: 'rediss://clustercfg.sessions.abc123.euw1.cache.amazonaws.com:6380',
        REDIS_USERNAME: 'authscale-prod-sessions-session',
        REDIS_PASSWORD: 'password-from-secrets-manager',
      }),
      {
        urls: ['rediss://clustercfg.sessions.abc123.euw1.cache.amazonaws.com:6380'],
        cluster: true,
        tls: true,
        username: 'authscale-prod-sessions-session',
        password: 'password-from-secrets-manager',
      },
    );
  });

  it('refuses REDIS_USERNAME without REDIS_PASSWORD, which would connect as default instead', () => {
    assert.throws(
      () => settingsFor({ SESSION_BACKEND: 'redis', REDIS_URL: 'redis://127.0.0.1:6379', REDIS_USERNAME: 'session' }),
      (error: Error) => error instanceof ConfigError && /REDIS_USERNAME: needs REDIS_PASSWORD/.test(error.message),
    );
  });

  it('treats an empty REDIS_PASSWORD as unset', () => {
    const settings = settingsFor({ SESSION_BACKEND: 'redis', REDIS_URL: 'redis://127.0.0.1:6379', REDIS_PASSWORD: '' });
    assert.equal('password' in settings, false);
  });

  it('refuses a missing URL, a mix of schemes and other schemes at start', () => {
    const invalid: Array<Record<string, string>> = [
      { SESSION_BACKEND: 'redis-cluster' },
      { SESSION_BACKEND: 'redis', REDIS_CLUSTER_URLS: 'redis://127.0.0.1:7001' },
      { SESSION_BACKEND: 'redis-cluster', REDIS_CLUSTER_URLS: 'rediss://a:6380,redis://b:6380' },
      { SESSION_BACKEND: 'redis-cluster', REDIS_CLUSTER_URLS: 'http://a:6380' },
      { SESSION_BACKEND: 'redis', REDIS_URL: 'a:6379' },
    ];
    for (const values of invalid) {
      assert.throws(() => settingsFor(values), ConfigError, JSON.stringify(values));
    }
  });

  it('is a programmer error for a backend without Redis', () => {
    assert.throws(() => settingsFor({ SESSION_BACKEND: 'memory' }), TypeError);
  });
});
