import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '@authscale/core';
import { loadEdgeConfig } from '../src/config.ts';

const required = {
  ORCHESTRATOR_URL: 'http://127.0.0.1:8082',
  SESSION_REPLICAS: 'http://127.0.0.1:8081',
  PUBLIC_ORIGIN: 'https://auth.example.test',
  INTERNAL_API_TOKEN: 'x'.repeat(32),
};

describe('loadEdgeConfig: the Redis users', () => {
  it('reads a user and password for each of its two Redis clients', () => {
    const config = loadEdgeConfig({
      ...required,
      RATE_LIMIT_REDIS_URLS: 'rediss://cluster.example.test:6380',
      RATE_LIMIT_REDIS_USERNAME: 'authscale-prod-sessions-edge',
      RATE_LIMIT_REDIS_PASSWORD: 'p'.repeat(64),
      SESSION_REDIS_URLS: 'rediss://cluster.example.test:6380',
      SESSION_REDIS_USERNAME: 'authscale-prod-sessions-edge',
      SESSION_REDIS_PASSWORD: 'p'.repeat(64),
    });
    assert.equal(config.RATE_LIMIT_REDIS_USERNAME, 'authscale-prod-sessions-edge');
    assert.equal(config.SESSION_REDIS_USERNAME, 'authscale-prod-sessions-edge');
  });

  it('refuses a user without its password, which would connect as default instead', () => {
    for (const owner of ['RATE_LIMIT_REDIS', 'SESSION_REDIS']) {
      assert.throws(
        () =>
          loadEdgeConfig({ ...required, [`${owner}_URLS`]: 'redis://127.0.0.1:7001', [`${owner}_USERNAME`]: 'edge' }),
        (error: Error) =>
          error instanceof ConfigError && error.message.includes(`${owner}_USERNAME: needs ${owner}_PASSWORD`),
      );
    }
  });
});
