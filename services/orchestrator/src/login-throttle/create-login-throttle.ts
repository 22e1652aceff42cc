import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { callDynamoDb, translateDynamoDbError } from '../dynamodb/translate-dynamodb-error.ts';

export interface CreateLoginThrottleOptions {
  client: DynamoDBClient;
  tableName: string;
  /** Consecutive failures allowed back to back before the delays start. @default 5 */
  freeAttempts?: number;
  /** The first delay; each further failure doubles it. @default 1 */
  baseDelaySeconds?: number;
  /** The cap: an account is never locked for longer than this. @default 900 */
  maxDelaySeconds?: number;
  now?: () => number;
}

export type ThrottleDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

interface ThrottleRecord {
  pk: string;
  sk: 'LOGIN_THROTTLE';
  failures: number;
  /** Epoch ms before which no attempt is allowed. */
  notBefore: number;
  version: number;
  /** Epoch seconds (the TTL attribute): a day after the last attempt. */
  expiresAt: number;
}

const maxWriteRaces = 4;

/**
 * Per-account back-off for password sign-in. Every attempt is counted BEFORE the password is
 * checked, by a conditional write on a version number, so parallel attempts cannot all read the
 * same count and slip past the limit. A success resets the count. Delays double up to a cap and
 * never become a permanent lock. The account key is a hash of the normalised email, so unknown
 * emails are throttled exactly like real ones.
 */
export function createLoginThrottle({
  client,
  tableName,
  freeAttempts = 5,
  baseDelaySeconds = 1,
  maxDelaySeconds = 900,
  now = Date.now,
}: CreateLoginThrottleOptions) {
  if (!Number.isInteger(freeAttempts) || freeAttempts < 1) throw new TypeError('login throttle: freeAttempts >= 1');
  if (!(baseDelaySeconds > 0 && maxDelaySeconds >= baseDelaySeconds)) {
    throw new TypeError('login throttle: 0 < baseDelaySeconds <= maxDelaySeconds');
  }
  const documents = DynamoDBDocumentClient.from(client);
  const keyFor = (email: string) => ({
    pk: `LOGIN#${createHash('sha256').update(email.trim().normalize('NFC').toLowerCase()).digest('base64url')}`,
    sk: 'LOGIN_THROTTLE' as const,
  });
  const delayMs = (failures: number) =>
    failures < freeAttempts ? 0 : Math.min(maxDelaySeconds, baseDelaySeconds * 2 ** (failures - freeAttempts)) * 1000;

  return Object.freeze({
    /** Reserves one attempt for the account, or says how long to wait. */
    async attempt({ email }: { email: string }): Promise<ThrottleDecision> {
      const key = keyFor(email);
      try {
        for (let race = 0; race < maxWriteRaces; race += 1) {
          const { Item } = await documents.send(
            new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }),
          );
          const current = Item as ThrottleRecord | undefined;
          const at = now();
          if (current && current.notBefore > at) {
            return { allowed: false, retryAfterSeconds: Math.ceil((current.notBefore - at) / 1000) };
          }
          const failures = (current?.failures ?? 0) + 1;
          const next: ThrottleRecord = {
            ...key,
            failures,
            notBefore: at + delayMs(failures),
            version: (current?.version ?? 0) + 1,
            expiresAt: Math.floor(at / 1000) + 86_400,
          };
          try {
            await documents.send(
              new PutCommand({
                TableName: tableName,
                Item: next,
                ...(current
                  ? {
                      ConditionExpression: 'version = :version',
                      ExpressionAttributeValues: { ':version': current.version },
                    }
                  : { ConditionExpression: 'attribute_not_exists(pk)' }),
              }),
            );
            return { allowed: true };
          } catch (error) {
            if (!(error instanceof ConditionalCheckFailedException)) throw error;
          }
        }
      } catch (error) {
        throw translateDynamoDbError(error);
      }
      // Attempts on one account racing each other this hard are an attack, not a user.
      return { allowed: false, retryAfterSeconds: 1 };
    },

    /** A correct password: the account starts afresh. */
    async succeeded({ email }: { email: string }): Promise<void> {
      await callDynamoDb(() => documents.send(new DeleteCommand({ TableName: tableName, Key: keyFor(email) })));
    },
  });
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
