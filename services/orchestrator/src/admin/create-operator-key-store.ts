import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { hashApiKey } from '../api-keys/api-key-crypto.ts';
import { apiKeyIndexName } from '../api-keys/api-key-records.ts';
import { queryAll } from '../dynamodb/query-all.ts';
import { callDynamoDb, translateDynamoDbError } from '../dynamodb/translate-dynamodb-error.ts';
import {
  generateOperatorKey,
  newOperatorKeyId,
  type OperatorKeyRecord,
  operatorKeyKey,
  operatorKeyPattern,
  operatorKeySortKey,
  operatorKeysPartition,
} from './operator-key-records.ts';
import type { OperatorScope } from './operator-scopes.ts';

/** What listing shows: never the key or its hash. */
export interface OperatorKeyView {
  keyId: string;
  operator: string;
  scopes: OperatorScope[];
  createdAt: string;
  expiresAt: string;
}

/** The caller as the admin API knows it once its key checked out. */
export interface Operator {
  keyId: string;
  name: string;
  scopes: readonly OperatorScope[];
}

const dayMs = 24 * 3_600_000;
/** How long a revoked or expired key's record stays, for the audit trail's sake, before TTL. */
const retentionSeconds = 90 * 24 * 3600;
export const operatorKeyMaxDays = 365;

const toView = (record: OperatorKeyRecord): OperatorKeyView => ({
  keyId: record.keyId,
  operator: record.operator,
  scopes: record.scopes,
  createdAt: new Date(record.createdAt).toISOString(),
  expiresAt: new Date(record.validUntil).toISOString(),
});

/**
 * Operator keys as token records in DynamoDB (`operator-key-records.ts`). Verification is one
 * strongly consistent read, so a revocation holds from the next request on.
 */
export function createOperatorKeyStore({
  client,
  tableName,
  now = Date.now,
}: {
  client: DynamoDBClient;
  tableName: string;
  now?: () => number;
}) {
  const documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });

  async function active(keyId?: string): Promise<OperatorKeyRecord[]> {
    const records = await queryAll<OperatorKeyRecord>(documents, {
      TableName: tableName,
      IndexName: apiKeyIndexName,
      KeyConditionExpression: keyId ? 'gsi1pk = :keys AND gsi1sk = :key' : 'gsi1pk = :keys',
      ExpressionAttributeValues: {
        ':keys': operatorKeysPartition,
        ...(keyId ? { ':key': operatorKeySortKey(keyId) } : {}),
      },
    });
    return records.filter((record) => now() < record.validUntil);
  }

  return Object.freeze({
    /** A new key for `operator`; the returned `key` is the only copy there will ever be. */
    async create(input: { operator: string; scopes: OperatorScope[]; expiresInDays: number }) {
      if (
        !Number.isInteger(input.expiresInDays) ||
        input.expiresInDays < 1 ||
        input.expiresInDays > operatorKeyMaxDays
      ) {
        throw new RangeError(`operator keys live 1 to ${operatorKeyMaxDays} days`);
      }
      const key = generateOperatorKey();
      const keyId = newOperatorKeyId();
      const createdAt = now();
      const validUntil = createdAt + input.expiresInDays * dayMs;
      const record: OperatorKeyRecord = {
        ...operatorKeyKey(hashApiKey(key)),
        keyId,
        operator: input.operator,
        scopes: [...new Set(input.scopes)],
        state: 'active',
        createdAt,
        validUntil,
        gsi1pk: operatorKeysPartition,
        gsi1sk: operatorKeySortKey(keyId),
        expiresAt: Math.floor(validUntil / 1000) + retentionSeconds,
      };
      await callDynamoDb(() =>
        documents.send(
          new PutCommand({ TableName: tableName, Item: record, ConditionExpression: 'attribute_not_exists(pk)' }),
        ),
      );
      return { key, view: toView(record) };
    },

    async list(): Promise<OperatorKeyView[]> {
      return (await active()).sort((a, b) => a.createdAt - b.createdAt).map(toView);
    },

    /** Revokes the key with this public id; null when no active key has it. */
    async revoke({ keyId }: { keyId: string }): Promise<OperatorKeyView | null> {
      const [record] = await active(keyId);
      if (!record) return null;
      const at = now();
      try {
        await documents.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: record.pk, sk: record.sk },
            UpdateExpression: 'SET #state = :revoked, revokedAt = :at, expiresAt = :expiresAt REMOVE gsi1pk, gsi1sk',
            ConditionExpression: '#state = :active',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: {
              ':revoked': 'revoked',
              ':active': 'active',
              ':at': at,
              ':expiresAt': Math.floor(at / 1000) + retentionSeconds,
            },
          }),
        );
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return null;
        throw translateDynamoDbError(error);
      }
      return toView(record);
    },

    /** The operator behind a presented key, or null for a malformed, unknown, revoked or expired one. */
    async verify(key: string): Promise<Operator | null> {
      if (!operatorKeyPattern.test(key)) return null;
      const { Item } = await callDynamoDb(() =>
        documents.send(
          new GetCommand({ TableName: tableName, Key: operatorKeyKey(hashApiKey(key)), ConsistentRead: true }),
        ),
      );
      const record = Item as OperatorKeyRecord | undefined;
      if (record?.state !== 'active' || now() >= record.validUntil) return null;
      return { keyId: record.keyId, name: record.operator, scopes: record.scopes };
    },
  });
}

export type OperatorKeyStore = ReturnType<typeof createOperatorKeyStore>;
