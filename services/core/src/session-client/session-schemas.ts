import { type Static, Type } from 'typebox';

/*
 * The session replicas' internal API (docs/architecture.md), written once: the replicas validate
 * requests and serialise answers with these schemas, and the session client's types are derived
 * from them, so the two sides cannot drift apart.
 */

/** A user id as the internal API accepts it, in paths and bodies. */
export const sessionUserIdSchema = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' });

/** A session id: base64url of the first 128 bits of SHA-256(token) (`sessionIdFor`). */
export const sessionIdSchema = Type.String({ pattern: '^[A-Za-z0-9_-]{22}$' });

/**
 * A session as every backend stores it and the internal API returns it. It references the user
 * and tenant by id and embeds no identity data (no email, name or role); times are epoch
 * milliseconds.
 */
export const sessionViewSchema = Type.Object({
  /** base64url of the first 128 bits of SHA-256(token): the storage key and the public id. */
  sid: Type.String(),
  userId: Type.String(),
  tenantId: Type.String(),
  createdAt: Type.Integer(),
  lastSeenAt: Type.Integer(),
  /** Slides forward on use (throttled), never past `absoluteExpiresAt`. */
  idleExpiresAt: Type.Integer(),
  absoluteExpiresAt: Type.Integer(),
  ip: Type.Union([Type.String(), Type.Null()]),
  userAgent: Type.Union([Type.String(), Type.Null()]),
  /** Authentication methods references (RFC 8176), e.g. `["pwd", "otp"]`. */
  amr: Type.Array(Type.String()),
  /** Authentication context class reference, e.g. `"aal1"`. */
  acr: Type.String(),
  /** When the user last actively authenticated (epoch ms). */
  authTime: Type.Integer(),
});

export type SessionView = Static<typeof sessionViewSchema>;

/** `POST /internal/sessions`. */
export const createSessionInputSchema = Type.Object(
  {
    userId: sessionUserIdSchema,
    tenantId: Type.String({ minLength: 1, maxLength: 128 }),
    ip: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    userAgent: Type.Optional(Type.String({ maxLength: 512 })),
    amr: Type.Array(Type.String({ minLength: 1, maxLength: 32 }), { minItems: 1, maxItems: 8 }),
    acr: Type.String({ minLength: 1, maxLength: 64 }),
    /** @default now */
    authTime: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);

export type CreateSessionInput = Static<typeof createSessionInputSchema>;

/** `POST /internal/sessions/validate`. `fresh`: read past the near cache (the caller was told the session changed). */
export const validateSessionInputSchema = Type.Object(
  { token: Type.String({ maxLength: 256 }), fresh: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);

/**
 * `?fresh=true` on a touch: read past the near cache. A query string arrives as text and our services never coerce types, so
 * the schema names the text the session client sends: a Boolean here refused every fresh touch.
 */
export const freshQuerySchema = Type.Object(
  { fresh: Type.Optional(Type.Literal('true')) },
  { additionalProperties: false },
);

export const userParamsSchema = Type.Object({ userId: sessionUserIdSchema });

export const sessionParamsSchema = Type.Object({ userId: sessionUserIdSchema, sid: sessionIdSchema });

/** The answer to a create: the token, handed out once, and the session. */
export const createdSessionSchema = Type.Object({ token: Type.String(), session: sessionViewSchema });

/** The answer to validate, touch and get. */
export const sessionReplySchema = Type.Object({ session: sessionViewSchema });

/** The answer to a list. */
export const sessionListSchema = Type.Object({ sessions: Type.Array(sessionViewSchema) });

/** The answer to a revoke-all: how many sessions were live. */
export const revokedCountSchema = Type.Object({ revoked: Type.Integer() });

/** What a replica's store holds of a user, live or not: erasure's verification. */
export const sessionFootprintSchema = Type.Object({
  sessions: Type.Integer(),
  /** Until the user's invalidation epoch expires; null when it is gone. */
  epochExpiresInMs: Type.Union([Type.Integer(), Type.Null()]),
});
