import type { ServiceName } from '../start-service.ts';
import { loopbackUrl } from './loopback-url.ts';

/** The roles of a local topology: the three services, and the webhook dispatcher and admin API beside them. */
export type TopologyRole = ServiceName | 'webhook-dispatcher' | 'admin-api';

/** The environment of each role, as its `main.ts` (or its `loadXConfig`) reads it. */
export type TopologyEnv = Record<TopologyRole, Record<string, string>>;

/** One local topology: where each piece listens, and the few settings that differ between runs. */
export interface Topology {
  /** The edge's public origin: `http://localhost:<port>` where passkeys must work (WebAuthn refuses IPs). */
  publicOrigin: string;
  /** One session replica per port, on loopback. */
  sessionPorts: number[];
  orchestratorPort: number;
  /** Root nodes of the Redis Cluster. Unset, sessions live in the replica's memory and counters in the edge. */
  redisClusterUrls?: string[];
  /** The application role's connection string. */
  databaseUrl: string;
  /** The event dispatcher role's connection string (EVENTS_DATABASE_URL). */
  eventsDatabaseUrl?: string;
  /** The operator role's connection string, the admin API's (OPERATOR_DATABASE_URL). */
  operatorDatabaseUrl?: string;
  dynamodbEndpoint: string;
  tokenTableName: string;
  internalToken: string;
  totpEncryptionKey: string;
  /** The edge keeps its near cache of sessions (needs `redisClusterUrls`). @default true */
  edgeNearCache?: boolean;
  /** Key prefix shared by the replicas and the edge, so topologies can share one cluster. */
  sessionKeyPrefix?: string;
  /** Requests per client IP per window at the edge. @default the edge's own default */
  perIpLimit?: number;
  /** The orchestrator's SMTP_URL (the local mail sink); an SMTP_URL in `inherited` wins over it. */
  smtpUrl?: string;
  /** @default 'info', as deployed */
  logLevel?: string;
  /** Cookies without `__Host-` and Secure, for a browser on plain HTTP. @default false */
  plainHttpCookies?: boolean;
  /**
   * The runner's own environment (usually `process.env`). It reaches every role, so any setting a
   * service reads can be set for a local run; the topology's wiring wins over it. @default {}
   */
  inherited?: Record<string, string | undefined>;
  /** Settings one role gets on top of everything else (an OpenID provider, a switch a benchmark flips). */
  extraEnv?: Partial<TopologyEnv>;
}

/**
 * The environment of every role of a local topology, in layers: the topology's defaults, then the
 * inherited environment (so a developer can change any setting), then the wiring (ports, URLs, the
 * internal token: what makes the roles find each other), then `extraEnv`. Wiring the topology
 * leaves unset (no Redis, near cache off) is removed from the inherited environment too, so a
 * stray variable in a shell cannot point a role at a server this topology did not start.
 */
export function topologyEnv({
  publicOrigin,
  sessionPorts,
  orchestratorPort,
  redisClusterUrls,
  databaseUrl,
  eventsDatabaseUrl,
  operatorDatabaseUrl,
  dynamodbEndpoint,
  tokenTableName,
  internalToken,
  totpEncryptionKey,
  edgeNearCache = true,
  sessionKeyPrefix,
  perIpLimit,
  smtpUrl,
  logLevel = 'info',
  plainHttpCookies = false,
  inherited = {},
  extraEnv = {},
}: Topology): TopologyEnv {
  const redis = redisClusterUrls?.join(',');
  const sessionReplicas = sessionPorts.map(loopbackUrl).join(',');
  // The cookie's name must agree between the orchestrator, which sets it, and the edge, which reads it.
  const cookies = plainHttpCookies ? { INSECURE_LOCAL_HTTP_COOKIES: 'true' } : {};
  const shared = {
    INTERNAL_API_TOKEN: internalToken,
    ...(sessionKeyPrefix ? { SESSION_KEY_PREFIX: sessionKeyPrefix } : {}),
  };
  /** An `undefined` in `wiring` removes the setting: the topology owns it and leaves it unset. */
  const layers = (
    role: TopologyRole,
    defaults: Record<string, string | undefined>,
    wiring: Record<string, string | undefined>,
  ) => {
    // Each role names itself in its telemetry; one name inherited by all would merge them.
    const telemetry = { OTEL_SERVICE_NAME: `authscale-${role}` };
    const merged = { LOG_LEVEL: logLevel, ...defaults, ...inherited, ...telemetry, ...wiring, ...extraEnv[role] };
    return Object.fromEntries(
      Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== undefined),
    );
  };
  return {
    session: layers(
      'session',
      {},
      { ...shared, SESSION_BACKEND: redis ? 'redis-cluster' : 'memory', REDIS_CLUSTER_URLS: redis },
    ),
    orchestrator: layers(
      'orchestrator',
      {
        TOTP_ENCRYPTION_KEY: totpEncryptionKey,
        // No key material to manage locally; production configuration refuses this switch.
        INSECURE_EPHEMERAL_SIGNING_KEY: 'true',
        // The emulator accepts any credentials; the SDK only needs some.
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        SMTP_URL: smtpUrl,
      },
      {
        ...shared,
        ...cookies,
        DATABASE_URL: databaseUrl,
        EVENTS_DATABASE_URL: eventsDatabaseUrl,
        SESSION_REPLICAS: sessionReplicas,
        DYNAMODB_ENDPOINT: dynamodbEndpoint,
        TOKEN_TABLE_NAME: tokenTableName,
        PUBLIC_ORIGIN: publicOrigin,
        // Behind the edge, as deployed: the client address is the one the edge forwards.
        TRUST_PROXY_HOPS: '1',
      },
    ),
    // The orchestrator's image runs it with the part of the orchestrator's settings it reads.
    'webhook-dispatcher': layers(
      'webhook-dispatcher',
      { TOTP_ENCRYPTION_KEY: totpEncryptionKey },
      { EVENTS_DATABASE_URL: eventsDatabaseUrl, PUBLIC_ORIGIN: publicOrigin },
    ),
    // The orchestrator's image too, another entry point: operators' own listener and database role.
    'admin-api': layers(
      'admin-api',
      {
        TOTP_ENCRYPTION_KEY: totpEncryptionKey,
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        SMTP_URL: smtpUrl,
      },
      {
        ...shared,
        OPERATOR_DATABASE_URL: operatorDatabaseUrl,
        SESSION_REPLICAS: sessionReplicas,
        DYNAMODB_ENDPOINT: dynamodbEndpoint,
        TOKEN_TABLE_NAME: tokenTableName,
        PUBLIC_ORIGIN: publicOrigin,
      },
    ),
    edge: layers(
      'edge',
      { ALLOWED_ORIGINS: publicOrigin, RATE_LIMIT_PER_IP_MAX: perIpLimit?.toString() },
      {
        ...shared,
        ...cookies,
        ORCHESTRATOR_URL: loopbackUrl(orchestratorPort),
        SESSION_REPLICAS: sessionReplicas,
        RATE_LIMIT_REDIS_URLS: redis,
        SESSION_REDIS_URLS: edgeNearCache ? redis : undefined,
        PUBLIC_ORIGIN: publicOrigin,
      },
    ),
  };
}
