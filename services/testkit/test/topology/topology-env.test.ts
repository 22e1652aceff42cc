import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Topology, topologyEnv } from '../../src/index.ts';

const topology: Topology = {
  publicOrigin: 'http://localhost:8080',
  sessionPorts: [4001, 4002],
  orchestratorPort: 4003,
  redisClusterUrls: ['redis://127.0.0.1:7001', 'redis://127.0.0.1:7002'],
  databaseUrl: 'postgres://app@127.0.0.1:5432/authscale',
  dynamodbEndpoint: 'http://127.0.0.1:4004',
  tokenTableName: 'authscale-tokens',
  internalToken: 'an-internal-token-of-at-least-32-characters',
  totpEncryptionKey: 'a-totp-key',
};
const roles = ['session', 'orchestrator', 'edge'] as const;

describe('topologyEnv', () => {
  it('wires the roles to each other', () => {
    const env = topologyEnv(topology);
    assert.equal(env.session.SESSION_BACKEND, 'redis-cluster');
    assert.equal(env.session.REDIS_CLUSTER_URLS, 'redis://127.0.0.1:7001,redis://127.0.0.1:7002');
    assert.equal(env.orchestrator.SESSION_REPLICAS, 'http://127.0.0.1:4001,http://127.0.0.1:4002');
    assert.equal(env.edge.SESSION_REPLICAS, env.orchestrator.SESSION_REPLICAS);
    assert.equal(env.edge.ORCHESTRATOR_URL, 'http://127.0.0.1:4003');
    assert.equal(env.edge.SESSION_REDIS_URLS, env.session.REDIS_CLUSTER_URLS);
    for (const role of roles) assert.equal(env[role].INTERNAL_API_TOKEN, topology.internalToken);
    assert.equal(env.orchestrator.PUBLIC_ORIGIN, env.edge.PUBLIC_ORIGIN);
  });

  it("passes a variable of the runner's environment to every role", () => {
    const env = topologyEnv({ ...topology, inherited: { RATE_LIMIT_PER_IP_MAX: '3', SMTP_URL: 'smtp://mail' } });
    for (const role of roles) {
      assert.equal(env[role].RATE_LIMIT_PER_IP_MAX, '3', role);
      assert.equal(env[role].SMTP_URL, 'smtp://mail', role);
    }
  });

  it('passes the OTEL_* variables to every role, each under its own service name', () => {
    const inherited = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_SERVICE_NAME: 'one-for-all' };
    const env = topologyEnv({ ...topology, inherited });
    for (const role of roles) {
      assert.equal(env[role].OTEL_EXPORTER_OTLP_ENDPOINT, 'http://127.0.0.1:4318', role);
      assert.equal(env[role].OTEL_SERVICE_NAME, `authscale-${role}`, role);
    }
  });

  it('lets the environment change a default, never the wiring', () => {
    const env = topologyEnv({
      ...topology,
      logLevel: 'warn',
      perIpLimit: 100,
      inherited: {
        LOG_LEVEL: 'debug',
        RATE_LIMIT_PER_IP_MAX: '3',
        INTERNAL_API_TOKEN: 'from-a-shell',
        ORCHESTRATOR_URL: 'http://elsewhere:1',
        DATABASE_URL: 'postgres://elsewhere/db',
      },
    });
    for (const role of roles) {
      assert.equal(env[role].LOG_LEVEL, 'debug', role);
      assert.equal(env[role].INTERNAL_API_TOKEN, topology.internalToken, role);
    }
    assert.equal(env.edge.RATE_LIMIT_PER_IP_MAX, '3');
    assert.equal(env.edge.ORCHESTRATOR_URL, 'http://127.0.0.1:4003');
    assert.equal(env.orchestrator.DATABASE_URL, topology.databaseUrl);
  });

  it('removes wiring it leaves unset, so a stray variable cannot point a role at another server', () => {
    const inherited = { REDIS_CLUSTER_URLS: 'redis://stray:1', SESSION_REDIS_URLS: 'redis://stray:1' };
    const inMemory = topologyEnv({ ...topology, redisClusterUrls: undefined, inherited });
    assert.equal(inMemory.session.SESSION_BACKEND, 'memory');
    assert.equal(inMemory.session.REDIS_CLUSTER_URLS, undefined);
    assert.equal(inMemory.edge.RATE_LIMIT_REDIS_URLS, undefined);
    assert.equal(inMemory.edge.SESSION_REDIS_URLS, undefined);
    const nearCacheOff = topologyEnv({ ...topology, edgeNearCache: false, inherited });
    assert.equal(nearCacheOff.edge.SESSION_REDIS_URLS, undefined);
    assert.equal(nearCacheOff.edge.RATE_LIMIT_REDIS_URLS, 'redis://127.0.0.1:7001,redis://127.0.0.1:7002');
  });

  it("gives a role's extra settings the last word", () => {
    const env = topologyEnv({
      ...topology,
      inherited: { JWKS_URL: 'http://from-a-shell' },
      extraEnv: { edge: { JWKS_URL: 'http://127.0.0.1:4003/.well-known/jwks.json' } },
    });
    assert.equal(env.edge.JWKS_URL, 'http://127.0.0.1:4003/.well-known/jwks.json');
    assert.equal(env.orchestrator.JWKS_URL, 'http://from-a-shell');
  });
});
