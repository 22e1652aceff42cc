import { isWellFormedApiKey } from '@authscale/core';
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { queryAll } from '../dynamodb/query-all.ts';
import { callDynamoDb, translateDynamoDbError } from '../dynamodb/translate-dynamodb-error.ts';
import { generateApiKey, hashApiKey, newApiKeyId } from './api-key-crypto.ts';
import {
  type ApiKeyRecord,
  apiKeyIndexName,
  apiKeyKey,
  apiKeySortKey,
  erasedCreator,
  tenantApiKeysPartition,
} from './api-key-records.ts';
import { apiKeyLifetimeDays } from './api-key-schemas.ts';

export interface CreateApiKeyStoreOptions {
  client: DynamoDBClient;
  tableName: string;
  /** `lastUsedAt` is written at most once per this window per key. @default 60 */
  lastUsedWindowSeconds?: number;
  /** How long a revoked key's record stays before TTL deletes it. @default 90 days */
  revokedRetentionSeconds?: number;
  now?: () => number;
}

/** What listing shows: never the key or its hash. */
export interface ApiKeyView {
  keyId: string;
  name: string;
  scopes: string[];
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string;
}

/** A live key as verification found it. */
export interface LiveApiKey {
  keyHash: string;
  keyId: string;
  tenantId: string;
  scopes: string[];
  /** The user who minted it: the key acts only while they are still an owner or admin of the tenant. */
  createdBy: string;
  lastUsedAt?: number;
}

const isoOrNull = (epochMs: number | undefined) => (epochMs === undefined ? null : new Date(epochMs).toISOString());

const dayMs = 24 * 3_600_000;

/**
 * When the key stops working. A key minted before keys had lifetimes has no `validUntil`; it gets
 * the longest one a key may have, counted from its creation, rather than living until revoked.
 */
const validUntilOf = (record: ApiKeyRecord): number =>
  record.validUntil ?? record.createdAt + apiKeyLifetimeDays.maximum * dayMs;

const toView = (record: ApiKeyRecord): ApiKeyView => ({
  keyId: record.keyId,
  name: record.name,
  scopes: record.scopes,
  createdAt: new Date(record.createdAt).toISOString(),
  lastUsedAt: isoOrNull(record.lastUsedAt),
  expiresAt: new Date(validUntilOf(record)).toISOString(),
});

/**
 * API keys as token records in DynamoDB. Verification is one strongly consistent read by the hash
 * of the presented key, so a revocation is seen by the very next request; listing and lookup by
 * public id go through the sparse `gsi1` index.
 */
export function createApiKeyStore({
  client,
  tableName,
  lastUsedWindowSeconds = 60,
  revokedRetentionSeconds = 90 * 24 * 3600,
  now = Date.now,
}: CreateApiKeyStoreOptions) {
  if (!Number.isInteger(lastUsedWindowSeconds) || lastUsedWindowSeconds < 1) {
    throw new TypeError('api keys: lastUsedWindowSeconds must be a positive integer');
  }
  const documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });

  const live = (record: ApiKeyRecord | undefined, at: number): record is ApiKeyRecord =>
    record?.state === 'active' && at < validUntilOf(record);

  const activeInTenant = async (tenantId: string, keyId?: string): Promise<ApiKeyRecord[]> => {
    const at = now();
    return (await indexedInTenant(tenantId, keyId)).filter((record) => live(record, at));
  };

  const createdBy = async ({ tenantId, userId }: { tenantId: string; userId: string }) =>
    (await indexedInTenant(tenantId)).filter((record) => record.createdBy === userId);

  /** The tenant's keys in `gsi1`: active ones, expired or not. */
  function indexedInTenant(tenantId: string, keyId?: string): Promise<ApiKeyRecord[]> {
    return queryAll<ApiKeyRecord>(documents, {
      TableName: tableName,
      IndexName: apiKeyIndexName,
      KeyConditionExpression: keyId ? 'gsi1pk = :tenant AND gsi1sk = :key' : 'gsi1pk = :tenant',
      ExpressionAttributeValues: {
        ':tenant': tenantApiKeysPartition(tenantId),
        ...(keyId ? { ':key': apiKeySortKey(keyId) } : {}),
      },
    });
  }

  return Object.freeze({
    /** Creates a key for the tenant; the returned `key` is the only copy there will ever be. */
    async create(input: {
      tenantId: string;
      name: string;
      scopes: string[];
      createdBy: string;
      /** The routes default it (`apiKeyLifetimeDays`); no key lives until revoked. */
      expiresInDays: number;
    }): Promise<{ key: string; view: ApiKeyView }> {
      const key = generateApiKey();
      const keyId = newApiKeyId();
      const at = now();
      const validUntil = at + input.expiresInDays * dayMs;
      const record: ApiKeyRecord = {
        ...apiKeyKey(hashApiKey(key)),
        keyId,
        tenantId: input.tenantId,
        name: input.name,
        scopes: [...new Set(input.scopes)].sort(),
        state: 'active',
        createdBy: input.createdBy,
        createdAt: at,
        validUntil,
        expiresAt: Math.floor(validUntil / 1000) + revokedRetentionSeconds,
        gsi1pk: tenantApiKeysPartition(input.tenantId),
        gsi1sk: apiKeySortKey(keyId),
      };
      await callDynamoDb(() =>
        documents.send(
          new PutCommand({ TableName: tableName, Item: record, ConditionExpression: 'attribute_not_exists(pk)' }),
        ),
      );
      return { key, view: toView(record) };
    },

    /** The tenant's active keys, oldest first. The index is eventually consistent in AWS. */
    async list({ tenantId }: { tenantId: string }): Promise<ApiKeyView[]> {
      const records = await activeInTenant(tenantId);
      return records.sort((a, b) => a.createdAt - b.createdAt || a.keyId.localeCompare(b.keyId)).map(toView);
    },

    /**
     * Revokes the tenant's key with this id; `null` when the tenant has no such active key (a key
     * of another tenant is not found either). From the write on, verification refuses the key.
     */
    async revoke({ tenantId, keyId }: { tenantId: string; keyId: string }): Promise<ApiKeyView | null> {
      const [record] = await activeInTenant(tenantId, keyId);
      if (!record) return null;
      const at = now();
      try {
        await documents.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: record.pk, sk: record.sk },
            UpdateExpression: 'SET #state = :revoked, revokedAt = :at, expiresAt = :expiresAt REMOVE gsi1pk, gsi1sk',
            ConditionExpression: '#state = :active AND tenantId = :tenant AND keyId = :keyId',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: {
              ':revoked': 'revoked',
              ':active': 'active',
              ':at': at,
              ':expiresAt': Math.floor(at / 1000) + revokedRetentionSeconds,
              ':tenant': tenantId,
              ':keyId': keyId,
            },
          }),
        );
      } catch (error) {
        // Someone revoked it a moment earlier: for this caller it is gone all the same.
        if (error instanceof ConditionalCheckFailedException) return null;
        throw translateDynamoDbError(error);
      }
      return toView(record);
    },

    /**
     * Erasure: revokes the tenant's listed keys that the user created and replaces `createdBy` with
     * `erasedCreator`. Such a key acts only while its creator is an owner or admin, so it died
     * with them; revoked, it leaves the listing. Resolves with how many; idempotent. Keys revoked
     * earlier are no longer listed and keep the id until TTL deletes them (docs/erasure.md).
     */
    async revokeCreatedBy({ tenantId, userId }: { tenantId: string; userId: string }): Promise<number> {
      const created = await createdBy({ tenantId, userId });
      const at = now();
      await Promise.all(
        created.map(({ pk, sk }) =>
          callDynamoDb(() =>
            documents.send(
              new UpdateCommand({
                TableName: tableName,
                Key: { pk, sk },
                UpdateExpression:
                  'SET #state = :revoked, createdBy = :erased, revokedAt = if_not_exists(revokedAt, :at), expiresAt = :expiresAt REMOVE gsi1pk, gsi1sk',
                ExpressionAttributeNames: { '#state': 'state' },
                ExpressionAttributeValues: {
                  ':revoked': 'revoked',
                  ':erased': erasedCreator,
                  ':at': at,
                  ':expiresAt': Math.floor(at / 1000) + revokedRetentionSeconds,
                },
              }),
            ),
          ),
        ),
      );
      return created.length;
    },

    /** The ids of the tenant's listed keys the user created: erasure's verification. */
    createdBy: async (input: { tenantId: string; userId: string }) =>
      (await createdBy(input)).map((record) => record.keyId),

    /** The live key for a presented secret, or `null` for a malformed, unknown, revoked or expired one. */
    async verify(key: string): Promise<LiveApiKey | null> {
      if (!isWellFormedApiKey(key)) return null;
      const keyHash = hashApiKey(key);
      const { Item } = await callDynamoDb(() =>
        documents.send(new GetCommand({ TableName: tableName, Key: apiKeyKey(keyHash), ConsistentRead: true })),
      );
      const record = Item as ApiKeyRecord | undefined;
      if (!live(record, now())) return null;
      const { keyId, tenantId, scopes, createdBy, lastUsedAt } = record;
      return { keyHash, keyId, tenantId, scopes, createdBy, ...(lastUsedAt === undefined ? {} : { lastUsedAt }) };
    },

    /**
     * Records a use, at most once per window per key: skipped when the record read a moment ago
     * is recent enough, and the write is conditional, so concurrent uses of a busy key make one
     * write per window between them. Resolves `true` when it wrote.
     */
    async recordUse({ keyHash, lastUsedAt }: Pick<LiveApiKey, 'keyHash' | 'lastUsedAt'>): Promise<boolean> {
      const at = now();
      const threshold = at - lastUsedWindowSeconds * 1000;
      if (lastUsedAt !== undefined && lastUsedAt > threshold) return false;
      try {
        await documents.send(
          new UpdateCommand({
            TableName: tableName,
            Key: apiKeyKey(keyHash),
            UpdateExpression: 'SET lastUsedAt = :at',
            ConditionExpression: '#state = :active AND (attribute_not_exists(lastUsedAt) OR lastUsedAt <= :threshold)',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':at': at, ':active': 'active', ':threshold': threshold },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw translateDynamoDbError(error);
      }
    },
  });
}

export type ApiKeyStore = ReturnType<typeof createApiKeyStore>;
