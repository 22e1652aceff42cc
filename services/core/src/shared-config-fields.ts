import { Type } from 'typebox';
import { httpUrlList, origin } from './config-fields.ts';

/** A secret the services share: at least 32 characters (the deployment generates 43, 256 bits). */
const sharedSecret = () => Type.String({ minLength: 32 });

/**
 * The settings more than one service reads, each declared once. A service takes the ones it reads
 * by name (`const { INTERNAL_API_TOKEN } = sharedConfigFields`), so a deployment that sets one value
 * for every service cannot meet two different checks. A test holds every service's schema to this:
 * a name that appears in two of them has one schema.
 */
export const sharedConfigFields = {
  /**
   * The secret shared by the edge, the session replicas and the orchestrator: it guards the
   * replicas' internal API, and keys principal assertions when PRINCIPAL_ASSERTION_KEY is unset.
   */
  INTERNAL_API_TOKEN: sharedSecret(),
  /**
   * The values a rotation keeps beside the current one (docs/runbooks/rotating-internal-secrets.md):
   * the one senders that have not restarted yet still use, and the one the next rotation makes
   * current. Receivers accept both; nothing sends them. The replicas and the orchestrator read them.
   */
  INTERNAL_API_TOKEN_PREVIOUS: Type.Optional(sharedSecret()),
  INTERNAL_API_TOKEN_NEXT: Type.Optional(sharedSecret()),
  /** The secret behind the edge's principal assertions, when it is not derived from INTERNAL_API_TOKEN. */
  PRINCIPAL_ASSERTION_KEY: Type.Optional(sharedSecret()),
  /** As INTERNAL_API_TOKEN_PREVIOUS and _NEXT; the orchestrator, which verifies the assertions, reads them. */
  PRINCIPAL_ASSERTION_KEY_PREVIOUS: Type.Optional(sharedSecret()),
  PRINCIPAL_ASSERTION_KEY_NEXT: Type.Optional(sharedSecret()),
  /**
   * The public origin of the edge: the `iss` of access tokens and the default allowed origin. No
   * default: a deployment that forgot it must not issue tokens for a loopback origin.
   */
  PUBLIC_ORIGIN: origin(),
  /** The `aud` of access tokens. */
  JWT_AUDIENCE: Type.String({ default: 'authscale-api', minLength: 1 }),
  /** The namespace of the session keys in Redis; the edge reads the epochs the replicas write there. */
  SESSION_KEY_PREFIX: Type.String({ default: 'as', pattern: '^[A-Za-z0-9_-]{1,32}$' }),
  /** Base URLs of the session replicas; the session client spreads users over them by rendezvous hashing. */
  SESSION_REPLICAS: httpUrlList(),
  /**
   * How many proxies in front of the service append to `X-Forwarded-For`. The client address is the
   * one the outermost of them saw; 0 ignores the header.
   */
  TRUST_PROXY_HOPS: Type.Integer({ default: 0, minimum: 0, maximum: 10 }),
  /**
   * WARNING: local plain-HTTP development only. Names the session cookie `authscale_session`
   * without the `__Host-` prefix and the Secure flag; the edge and the orchestrator must agree.
   */
  INSECURE_LOCAL_HTTP_COOKIES: Type.Boolean({ default: false }),
  /**
   * A Postgres connection string for the service's own database (identity for the orchestrator, the
   * `postgres` session backend for the replicas). Unset, the orchestrator's node-postgres reads the
   * standard PGHOST/PGUSER/PGPASSWORD/... variables.
   */
  DATABASE_URL: Type.Optional(Type.String({ minLength: 1 })),
};
