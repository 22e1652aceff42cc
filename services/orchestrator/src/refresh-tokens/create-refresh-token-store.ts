import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { apiKeyIndexName } from '../api-keys/api-key-records.ts';
import { queryAll } from '../dynamodb/query-all.ts';
import { callDynamoDb, translateDynamoDbError } from '../dynamodb/translate-dynamodb-error.ts';
import {
  generateRefreshToken,
  hashRefreshToken,
  isWellFormedRefreshToken,
  openSuccessor,
  sealSuccessor,
} from './refresh-token-crypto.ts';
import {
  type FamilyRecord,
  familyKey,
  type TokenRecord,
  tokenKey,
  type UserRevocationRecord,
  userFamiliesIndexKey,
  userFamiliesPartition,
  userRevocationKey,
} from './refresh-token-records.ts';

export interface CreateRefreshTokenStoreOptions {
  client: DynamoDBClient;
  tableName: string;
  /** Absolute lifetime of a family (a sign-in), however often it is refreshed. @default 2592000 (30 days) */
  familyLifetimeSeconds?: number;
  /**
   * How long after a rotation a repeat of the rotated token still gets the same successor, so two
   * tabs refreshing at once stay signed in; only while that successor has not been used itself.
   * @default 10
   */
  graceSeconds?: number;
  now?: () => number;
}

export interface IssueRefreshTokenInput {
  /** The session this sign-in created; it is also the family id. */
  sessionId: string;
  userId: string;
  tenantId: string;
  amr: string[];
  acr: string;
  authTime: number;
}

export type Family = Pick<FamilyRecord, 'familyId' | 'userId' | 'tenantId' | 'amr' | 'acr' | 'authTime' | 'expiresAt'>;

export type RotateResult =
  | { outcome: 'rotated'; refreshToken: string; family: Family; repeated: boolean }
  /** A rotated token came back after the grace window: the family is now revoked. */
  | { outcome: 'replayed'; family: Family }
  /** The family's session is gone (logout, revoke-all, expiry): the family is now revoked. */
  | { outcome: 'session_ended'; family: Family }
  /** Unknown, malformed, expired or revoked: nothing to say beyond "no". */
  | { outcome: 'invalid' };

/**
 * Asked before a token is exchanged: is the family's session still live? It runs first so that a
 * failure to answer (the session layer down) leaves the presented token unspent for a retry.
 */
export type SessionCheck = (family: Family) => Promise<boolean>;

const toFamily = ({ familyId, userId, tenantId, amr, acr, authTime, expiresAt }: FamilyRecord): Family => ({
  familyId,
  userId,
  tenantId,
  amr,
  acr,
  authTime,
  expiresAt,
});

/**
 * Refresh tokens in DynamoDB: rotation on every use, decided by a conditional write, so any
 * number of concurrent refreshes of one token produce exactly one successor.
 */
export function createRefreshTokenStore({
  client,
  tableName,
  familyLifetimeSeconds = 30 * 24 * 3600,
  graceSeconds = 10,
  now = Date.now,
}: CreateRefreshTokenStoreOptions) {
  if (!Number.isInteger(graceSeconds) || graceSeconds < 0 || graceSeconds > 60) {
    throw new TypeError('refresh tokens: graceSeconds must be an integer from 0 to 60');
  }
  const documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });

  /** A rotated token presented again this soon gets the same successor (two tabs refreshing at once). */
  const rotatedWithinGrace = ({ rotatedAt }: { rotatedAt?: number }) =>
    rotatedAt !== undefined && now() - rotatedAt <= graceSeconds * 1000;

  const getToken = (tokenHash: string) =>
    callDynamoDb(async () => {
      const { Item } = await documents.send(
        new GetCommand({ TableName: tableName, Key: tokenKey(tokenHash), ConsistentRead: true }),
      );
      return Item as TokenRecord | undefined;
    });

  const getFamily = (familyId: string) =>
    callDynamoDb(async () => {
      const { Item } = await documents.send(
        new GetCommand({ TableName: tableName, Key: familyKey(familyId), ConsistentRead: true }),
      );
      return Item as FamilyRecord | undefined;
    });

  const getUserRevocation = (userId: string) =>
    callDynamoDb(async () => {
      const { Item } = await documents.send(
        new GetCommand({ TableName: tableName, Key: userRevocationKey(userId), ConsistentRead: true }),
      );
      return Item as UserRevocationRecord | undefined;
    });

  async function putToken({
    token,
    familyId,
    userId,
    expiresAt,
  }: {
    token: string;
    familyId: string;
    userId: string;
    expiresAt: number;
  }) {
    const tokenHash = hashRefreshToken(token);
    const record: TokenRecord = {
      ...tokenKey(tokenHash),
      ...userFamiliesIndexKey(userId, familyId, tokenHash),
      familyId,
      state: 'active',
      createdAt: now(),
      expiresAt,
    };
    await callDynamoDb(() =>
      documents.send(
        new PutCommand({ TableName: tableName, Item: record, ConditionExpression: 'attribute_not_exists(pk)' }),
      ),
    );
  }

  async function revokeFamily({ familyId, reason }: { familyId: string; reason: string }): Promise<void> {
    try {
      await documents.send(
        new UpdateCommand({
          TableName: tableName,
          Key: familyKey(familyId),
          UpdateExpression:
            'SET #state = :revoked, revokedAt = if_not_exists(revokedAt, :now), revokedReason = if_not_exists(revokedReason, :reason)',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':revoked': 'revoked', ':now': now(), ':reason': reason },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return;
      throw translateDynamoDbError(error);
    }
  }

  const findUserItems = (userId: string) =>
    queryAll<{ pk: string; sk: string }>(documents, {
      TableName: tableName,
      IndexName: apiKeyIndexName,
      KeyConditionExpression: 'gsi1pk = :user',
      ExpressionAttributeValues: { ':user': userFamiliesPartition(userId) },
      ProjectionExpression: 'pk, sk',
    });

  const successorUnused = async ({ successorHash }: TokenRecord) =>
    successorHash !== undefined && (await getToken(successorHash))?.state === 'active';

  /** Marks `record` rotated to `successor` if nobody else rotated it first; false when we lost. */
  async function claimRotation(record: TokenRecord, token: string, successor: string): Promise<boolean> {
    try {
      await documents.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { pk: record.pk, sk: record.sk },
          UpdateExpression:
            'SET #state = :rotated, rotatedAt = :now, successorHash = :successorHash, sealedSuccessor = :sealed',
          ConditionExpression: '#state = :active',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':rotated': 'rotated',
            ':active': 'active',
            ':now': now(),
            ':successorHash': hashRefreshToken(successor),
            ':sealed': sealSuccessor({ token, successor }),
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw translateDynamoDbError(error);
    }
  }

  return Object.freeze({
    /** Starts a family for a new session and returns its first refresh token. */
    async issue(input: IssueRefreshTokenInput): Promise<{ refreshToken: string; expiresAt: number }> {
      const createdAt = now();
      const expiresAt = Math.floor(createdAt / 1000) + familyLifetimeSeconds;
      const family: FamilyRecord = {
        ...familyKey(input.sessionId),
        ...userFamiliesIndexKey(input.userId, input.sessionId),
        familyId: input.sessionId,
        userId: input.userId,
        tenantId: input.tenantId,
        amr: input.amr,
        acr: input.acr,
        authTime: input.authTime,
        state: 'active',
        createdAt,
        expiresAt,
      };
      await callDynamoDb(() =>
        documents.send(
          new PutCommand({ TableName: tableName, Item: family, ConditionExpression: 'attribute_not_exists(pk)' }),
        ),
      );
      const refreshToken = generateRefreshToken();
      await putToken({ token: refreshToken, familyId: input.sessionId, userId: input.userId, expiresAt });
      return { refreshToken, expiresAt };
    },

    /**
     * Exchanges a refresh token for its successor. The first use rotates; a repeat within the
     * grace window gets the same successor while that successor is unused; any other repeat
     * revokes the family. `sessionIsLive`
     * is asked before any exchange; if it throws, nothing was spent.
     */
    async rotate(token: string, sessionIsLive: SessionCheck = async () => true): Promise<RotateResult> {
      if (!isWellFormedRefreshToken(token)) return { outcome: 'invalid' };
      let record = await getToken(hashRefreshToken(token));
      if (!record) return { outcome: 'invalid' };
      const family = await getFamily(record.familyId);
      const at = now() / 1000;
      if (family?.state !== 'active' || at >= family.expiresAt || at >= record.expiresAt) {
        return { outcome: 'invalid' };
      }
      const revocation = await getUserRevocation(family.userId);
      if (revocation && family.createdAt <= revocation.revokedBefore) return { outcome: 'invalid' };
      const exchangeable = record.state === 'active' || rotatedWithinGrace(record);
      if (exchangeable && !(await sessionIsLive(toFamily(family)))) {
        await revokeFamily({ familyId: family.familyId, reason: 'session_ended' });
        return { outcome: 'session_ended', family: toFamily(family) };
      }

      if (record.state === 'active') {
        // The successor is written first, so whoever learns it can use it at once.
        const successor = generateRefreshToken();
        await putToken({
          token: successor,
          familyId: family.familyId,
          userId: family.userId,
          expiresAt: family.expiresAt,
        });
        if (await claimRotation(record, token, successor)) {
          return { outcome: 'rotated', refreshToken: successor, family: toFamily(family), repeated: false };
        }
        // Another request rotated this token first: drop our unreachable successor, take theirs.
        await callDynamoDb(() =>
          documents.send(new DeleteCommand({ TableName: tableName, Key: tokenKey(hashRefreshToken(successor)) })),
        );
        record = await getToken(hashRefreshToken(token));
        if (!record) return { outcome: 'invalid' };
      }

      if (record.state === 'rotated' && record.rotatedAt !== undefined && record.sealedSuccessor) {
        // Grace hands out the successor only while nobody has used it: once it has been exchanged,
        // its predecessor coming back is a thief walking the chain, not a second tab.
        if (rotatedWithinGrace(record) && (await successorUnused(record))) {
          const refreshToken = openSuccessor({ token, sealed: record.sealedSuccessor });
          return { outcome: 'rotated', refreshToken, family: toFamily(family), repeated: true };
        }
        await revokeFamily({ familyId: family.familyId, reason: 'replay' });
        return { outcome: 'replayed', family: toFamily(family) };
      }
      return { outcome: 'invalid' };
    },

    /** Ends a family (logout, session revoked, replay); its tokens stop working at once. */
    revokeFamily,

    /** Ends every family of the user at once (an operator disabled them); idempotent. */
    async revokeUser({ userId }: { userId: string }): Promise<void> {
      const record: UserRevocationRecord = { ...userRevocationKey(userId), userId, revokedBefore: now() };
      await callDynamoDb(() => documents.send(new PutCommand({ TableName: tableName, Item: record })));
    },

    /**
     * Erasure: deletes every family and token of the user that `gsi1` lists, and their revocation
     * record; resolves with how many items went. Idempotent. The index is eventually consistent
     * in AWS: an item written a moment ago may show up only in a later query (`findUserItems`).
     */
    async eraseUser({ userId }: { userId: string }): Promise<{ families: number; tokens: number }> {
      const items = await findUserItems(userId);
      await Promise.all(
        items.map(({ pk, sk }) =>
          callDynamoDb(() => documents.send(new DeleteCommand({ TableName: tableName, Key: { pk, sk } }))),
        ),
      );
      await callDynamoDb(() =>
        documents.send(new DeleteCommand({ TableName: tableName, Key: userRevocationKey(userId) })),
      );
      const families = items.filter(({ sk }) => sk === 'FAMILY').length;
      return { families, tokens: items.length - families };
    },

    /** The keys of what the table still holds of the user, for erasure's verification. */
    async findUserItems(userId: string): Promise<Array<{ pk: string; sk: string }>> {
      const items = await findUserItems(userId);
      return (await getUserRevocation(userId)) ? [...items, userRevocationKey(userId)] : items;
    },

    /** A readiness probe: one read of a key that never exists. */
    ping: () =>
      callDynamoDb(() =>
        documents.send(new GetCommand({ TableName: tableName, Key: { pk: 'READINESS', sk: 'READINESS' } })),
      ),
  });
}

export type RefreshTokenStore = ReturnType<typeof createRefreshTokenStore>;
