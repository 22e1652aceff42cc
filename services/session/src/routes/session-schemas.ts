import { Type } from 'typebox';

export const UserId = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' });
export const SessionId = Type.String({ pattern: '^[A-Za-z0-9_-]{22}$' });

export const Session = Type.Object({
  sid: Type.String(),
  userId: Type.String(),
  tenantId: Type.String(),
  createdAt: Type.Integer(),
  lastSeenAt: Type.Integer(),
  idleExpiresAt: Type.Integer(),
  absoluteExpiresAt: Type.Integer(),
  ip: Type.Union([Type.String(), Type.Null()]),
  userAgent: Type.Union([Type.String(), Type.Null()]),
  amr: Type.Array(Type.String()),
  acr: Type.String(),
  authTime: Type.Integer(),
});

export const CreateSessionBody = Type.Object(
  {
    userId: UserId,
    tenantId: Type.String({ minLength: 1, maxLength: 128 }),
    ip: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    userAgent: Type.Optional(Type.String({ maxLength: 512 })),
    amr: Type.Array(Type.String({ minLength: 1, maxLength: 32 }), { minItems: 1, maxItems: 8 }),
    acr: Type.String({ minLength: 1, maxLength: 64 }),
    authTime: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);

/** `fresh`: read past the near cache (the caller was told the session changed). */
export const ValidateBody = Type.Object(
  { token: Type.String({ maxLength: 256 }), fresh: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
export const FreshQuery = Type.Object({ fresh: Type.Optional(Type.Boolean()) }, { additionalProperties: false });
export const UserParams = Type.Object({ userId: UserId });
export const SessionParams = Type.Object({ userId: UserId, sid: SessionId });
