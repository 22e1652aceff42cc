import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadEdgeConfig } from '@authscale/edge';
import { loadOrchestratorConfig, loadWebhookDispatcherConfig } from '@authscale/orchestrator';
import { loadSessionConfig } from '@authscale/session';
import { type Topology, topologyEnv } from '@authscale/testkit';

/**
 * The environments the local topologies build are ones the services accept, and a variable set
 * for `npm start` or `npm run stack` reaches each service's configuration. `npm start` builds its
 * apps with exactly these calls.
 */
const topology: Topology = {
  publicOrigin: 'http://localhost:8080',
  sessionPorts: [4001],
  orchestratorPort: 4002,
  databaseUrl: 'postgres://app@127.0.0.1:5432/authscale',
  eventsDatabaseUrl: 'postgres://events@127.0.0.1:5432/authscale',
  dynamodbEndpoint: 'http://127.0.0.1:4003',
  tokenTableName: 'authscale-tokens',
  internalToken: 'an-internal-token-of-at-least-32-characters',
  totpEncryptionKey: 'a-totp-key-of-at-least-32-characters-long',
  plainHttpCookies: true,
};

describe('the local topology, as the services read it', () => {
  for (const [name, redisClusterUrls] of [
    ['one process (npm start)', undefined],
    ['the full topology (npm run stack)', ['redis://127.0.0.1:7001']],
  ] as const) {
    it(`${name}: every role loads its settings, the runner's variables included`, () => {
      const env = topologyEnv({
        ...topology,
        redisClusterUrls: redisClusterUrls ? [...redisClusterUrls] : undefined,
        inherited: {
          RATE_LIMIT_PER_IP_MAX: '3',
          SESSION_IDLE_TTL_SECONDS: '120',
          LOGIN_FREE_ATTEMPTS: '2',
          WEBHOOK_MAX_ATTEMPTS: '4',
        },
      });
      const edge = loadEdgeConfig(env.edge);
      const orchestrator = loadOrchestratorConfig(env.orchestrator);
      const session = loadSessionConfig(env.session);
      const dispatcher = loadWebhookDispatcherConfig(env['webhook-dispatcher']);
      assert.equal(edge.RATE_LIMIT_PER_IP_MAX, 3);
      assert.equal(session.SESSION_IDLE_TTL_SECONDS, 120);
      assert.equal(orchestrator.LOGIN_FREE_ATTEMPTS, 2);
      assert.equal(session.SESSION_BACKEND, redisClusterUrls ? 'redis-cluster' : 'memory');
      assert.deepEqual(edge.SESSION_REPLICAS, ['http://127.0.0.1:4001']);
      assert.equal(edge.INSECURE_LOCAL_HTTP_COOKIES, orchestrator.INSECURE_LOCAL_HTTP_COOKIES);
      // The dispatcher reads its own role's URL and the key the orchestrator seals endpoint secrets with.
      assert.equal(dispatcher.EVENTS_DATABASE_URL, orchestrator.EVENTS_DATABASE_URL);
      assert.equal(dispatcher.TOTP_ENCRYPTION_KEY, orchestrator.TOTP_ENCRYPTION_KEY);
      assert.equal(dispatcher.WEBHOOK_MAX_ATTEMPTS, 4);
    });
  }
});
