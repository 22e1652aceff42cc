import { type Static, type TObject, Type } from 'typebox';

const userId = Type.String({ format: 'uuid', description: 'The user the event is about.' });
const tenantId = Type.String({ format: 'uuid' });
const sessionId = Type.String({ minLength: 1, maxLength: 128 });
const mfaMethod = Type.Union([Type.Literal('totp'), Type.Literal('passkey')]);
const role = Type.Union([Type.Literal('owner'), Type.Literal('admin'), Type.Literal('member')]);

interface CatalogueEntry {
  /** Bumped when `data` changes in a way a receiver could notice; the envelope carries it. */
  version: number;
  /**
   * Delivered in order per endpoint and user: a later event for the same user waits while an
   * earlier one is still pending. Set where a receiver keeping state would end up wrong if two
   * arrived swapped (disabled, then enrolled; added, then removed).
   */
  orderedByUser: boolean;
  /**
   * `transactional`: written in the transaction of the change, so it exists exactly when the
   * change committed. `after_the_fact`: the change lives outside Postgres (sessions in Redis,
   * token records in DynamoDB) and the event is written once that store acknowledged it; a crash
   * in between loses the event, never invents one.
   */
  written: 'transactional' | 'after_the_fact';
  description: string;
  data: TObject;
}

/**
 * Every event authscale sends to webhook endpoints, in one place: identity writes them, the
 * dispatcher and `docs/events.json` read them. Ids only: an address appears where the event is
 * about the address, and no event carries a token, a secret, an IP address or a display name.
 */
export const eventCatalogue = {
  'user.created': {
    version: 1,
    orderedByUser: true,
    written: 'transactional',
    description: 'An account was created (sign-up or first OpenID Connect sign-in) with its personal tenant.',
    data: Type.Object({ userId, tenantId }, { additionalProperties: false }),
  },
  'user.email_verified': {
    version: 1,
    orderedByUser: true,
    written: 'transactional',
    description: 'The user proved they receive mail at their address; the one event that carries it.',
    data: Type.Object({ userId, email: Type.String({ format: 'email' }) }, { additionalProperties: false }),
  },
  'user.disabled': {
    version: 1,
    orderedByUser: true,
    written: 'transactional',
    description: 'An operator disabled the account: sign-in and tenant access are refused from now on.',
    data: Type.Object({ userId }, { additionalProperties: false }),
  },
  'user.deleted': {
    version: 1,
    orderedByUser: true,
    written: 'transactional',
    description: 'The account was erased. Receivers should erase what they hold about the user.',
    data: Type.Object({ userId }, { additionalProperties: false }),
  },
  'session.created': {
    version: 1,
    orderedByUser: false,
    written: 'after_the_fact',
    description: 'A sign-in completed and a session exists.',
    data: Type.Object({ userId, tenantId, sessionId }, { additionalProperties: false }),
  },
  'session.revoked': {
    version: 1,
    orderedByUser: false,
    written: 'after_the_fact',
    description: 'One session (`sessionId`), or every session of the user (`sessionId` null), was revoked.',
    data: Type.Object(
      {
        userId,
        sessionId: Type.Union([sessionId, Type.Null()]),
        reason: Type.Union([Type.Literal('logout'), Type.Literal('revoked')]),
      },
      { additionalProperties: false },
    ),
  },
  'password.changed': {
    version: 1,
    orderedByUser: true,
    written: 'transactional',
    description: 'The password was changed by the user (`change`) or through a reset link (`reset`).',
    data: Type.Object(
      { userId, via: Type.Union([Type.Literal('change'), Type.Literal('reset')]) },
      { additionalProperties: false },
    ),
  },
  'mfa.enrolled': {
    version: 1,
    orderedByUser: true,
    written: 'transactional',
    description: 'A second factor was added: an authenticator app (TOTP) or a passkey.',
    data: Type.Object({ userId, method: mfaMethod }, { additionalProperties: false }),
  },
  'mfa.removed': {
    version: 1,
    orderedByUser: true,
    written: 'transactional',
    description: 'A second factor was removed.',
    data: Type.Object({ userId, method: mfaMethod }, { additionalProperties: false }),
  },
  'membership.added': {
    version: 1,
    orderedByUser: true,
    written: 'transactional',
    description: 'The user joined a tenant: by creating it, by signing up (their personal tenant), or by invitation.',
    data: Type.Object({ userId, tenantId, role }, { additionalProperties: false }),
  },
  'membership.removed': {
    version: 1,
    orderedByUser: true,
    written: 'transactional',
    description: 'The user left the tenant or was removed from it.',
    data: Type.Object({ userId, tenantId }, { additionalProperties: false }),
  },
  'api_key.created': {
    version: 1,
    orderedByUser: false,
    written: 'after_the_fact',
    description: 'A tenant API key was created; `userId` is the member who created it.',
    data: Type.Object({ userId, tenantId, keyId: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
  },
  'api_key.revoked': {
    version: 1,
    orderedByUser: false,
    written: 'after_the_fact',
    description: 'A tenant API key was revoked; `userId` is the member who revoked it.',
    data: Type.Object({ userId, tenantId, keyId: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
  },
  'refresh.replayed': {
    version: 1,
    orderedByUser: false,
    written: 'after_the_fact',
    description: 'A spent refresh token was presented again: its family and session were revoked.',
    data: Type.Object({ userId, sessionId }, { additionalProperties: false }),
  },
} as const satisfies Record<string, CatalogueEntry>;

export type EventType = keyof typeof eventCatalogue;
export type EventData<T extends EventType> = Static<(typeof eventCatalogue)[T]['data']>;

/** One catalogued event as a writer hands it over: the type and its data, checked together. */
export type DomainEvent = { [T in EventType]: { type: T; data: EventData<T> } }[EventType];

export const eventTypes = Object.freeze(Object.keys(eventCatalogue) as EventType[]);
