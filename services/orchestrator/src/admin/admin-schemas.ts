import { Type } from 'typebox';

const uuid = Type.String({ format: 'uuid' });

export const userParams = Type.Object({ userId: uuid });
export const tenantParams = Type.Object({ tenantId: uuid });

/** Query strings are never coerced by the services' validator: numbers are digit strings. */
export const pageLimit = Type.Optional(
  Type.String({ pattern: '^([1-9][0-9]?|100)$', description: '1 to 100; 50 unset.' }),
);

export const reasonBody = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 500, description: 'Why, for the audit trail.' }) },
  { additionalProperties: false },
);

const membershipRole = Type.Union([Type.Literal('owner'), Type.Literal('admin'), Type.Literal('member')]);

export const userSummarySchema = Type.Object({
  id: Type.String(),
  email: Type.String(),
  emailVerified: Type.Boolean(),
  disabled: Type.Boolean(),
  createdAt: Type.String(),
});

export const userDetailSchema = Type.Object({
  ...userSummarySchema.properties,
  disabledAt: Type.Union([Type.String(), Type.Null()]),
  factors: Type.Object({
    password: Type.Boolean({ description: 'Has a password credential (for an invited account, one not chosen yet).' }),
    passkeys: Type.Integer(),
    totp: Type.Boolean(),
    oidcIssuers: Type.Array(Type.String()),
  }),
  memberships: Type.Array(
    Type.Object({ tenantId: Type.String(), tenantName: Type.String(), role: membershipRole, joinedAt: Type.String() }),
  ),
  sessions: Type.Integer({ description: 'Live sessions.' }),
});

export const tenantSummarySchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  createdAt: Type.String(),
  members: Type.Integer(),
});

export const tenantDetailSchema = Type.Object({
  ...tenantSummarySchema.properties,
  memberships: Type.Array(
    Type.Object({ userId: Type.String(), email: Type.String(), role: membershipRole, joinedAt: Type.String() }),
  ),
});

const nextCursor = Type.Union([Type.String(), Type.Null()], {
  description: 'Pass it as `after` for the next page; null on the last one.',
});

export const userPageSchema = Type.Object({ users: Type.Array(userSummarySchema), next: nextCursor });
export const tenantPageSchema = Type.Object({ tenants: Type.Array(tenantSummarySchema), next: nextCursor });

export const erasureReportSchema = Type.Object({
  userId: Type.String(),
  outcome: Type.Union([Type.Literal('erased'), Type.Literal('already_erased')], {
    description: '`already_erased`: an earlier run removed the rows; this one swept the other stores again.',
  }),
  removed: Type.Object({
    postgres: Type.Union([
      Type.Object({
        tenantsDeleted: Type.Array(Type.String()),
        auditEventsScrubbed: Type.Integer(),
        outboxEventsDeleted: Type.Integer(),
        flowsDeleted: Type.Integer(),
        invitationsDeleted: Type.Integer(),
      }),
      Type.Null(),
    ]),
    dynamodb: Type.Object({ families: Type.Integer(), tokens: Type.Integer(), apiKeysRevoked: Type.Integer() }),
    sessions: Type.Object({
      revoked: Type.Integer(),
      epochExpiresInMs: Type.Union([Type.Integer(), Type.Null()], {
        description: 'The one key left: an invalidation counter that expires by itself (docs/erasure.md).',
      }),
    }),
  }),
  verified: Type.Literal(true, { description: 'Every store was read again afterwards and holds nothing of the user.' }),
});
