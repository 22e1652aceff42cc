import { createHash } from 'node:crypto';
import { normalizeEmail } from '@authscale/core';
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { callDynamoDb, translateDynamoDbError } from '../dynamodb/translate-dynamodb-error.ts';
import { clientNetwork } from './client-network.ts';

export interface CreateLoginThrottleOptions {
  client: DynamoDBClient;
  tableName: string;
  /** Consecutive failures allowed back to back per account and client (or device). @default 5 */
  freeAttempts?: number;
  /**
   * Failures allowed per account from clients without a device cookie, wherever they come from:
   * the ceiling that stops guessing spread over many addresses. @default 50
   */
  accountFreeAttempts?: number;
  /** The first delay; each further failure doubles it. @default 1 */
  baseDelaySeconds?: number;
  /** The cap: an account is never locked for longer than this. @default 900 */
  maxDelaySeconds?: number;
  now?: () => number;
}

export interface LoginAttempt {
  email: string;
  /** The client address the edge saw. */
  ip: string;
  /** A device that signed in to this account before (its device cookie's id). */
  device?: string | undefined;
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

/** The stable, anonymous name of an account in throttle records and device cookies. */
export const loginAccountKey = (email: string) =>
  createHash('sha256').update(normalizeEmail(email)).digest('base64url');

/**
 * Back-off for password sign-in, in buckets, so that guesses cannot lock the owner out
 * (ASVS 2.2.1). An attempt from a device that signed in to the account before counts only against
 * that device. Any other attempt counts against the account and its client network, and against
 * the account as a whole with a higher ceiling: five wrong guesses from one place slow that place
 * down, not the owner elsewhere, and guesses spread over many addresses still meet the ceiling.
 *
 * Every attempt is counted BEFORE the password is checked, by a conditional write on a version
 * number, so parallel attempts cannot all read the same count and slip past the limit. A success
 * resets the bucket of the client or device it came from. Delays double up to a cap and never
 * become a permanent lock. Accounts are keyed by a hash of the normalised email, so unknown emails
 * are throttled exactly like real ones.
 */
export function createLoginThrottle({
  client,
  tableName,
  freeAttempts = 5,
  accountFreeAttempts = 50,
  baseDelaySeconds = 1,
  maxDelaySeconds = 900,
  now = Date.now,
}: CreateLoginThrottleOptions) {
  if (!Number.isInteger(freeAttempts) || freeAttempts < 1) throw new TypeError('login throttle: freeAttempts >= 1');
  if (!Number.isInteger(accountFreeAttempts) || accountFreeAttempts < freeAttempts) {
    throw new TypeError('login throttle: accountFreeAttempts >= freeAttempts');
  }
  if (!(baseDelaySeconds > 0 && maxDelaySeconds >= baseDelaySeconds)) {
    throw new TypeError('login throttle: 0 < baseDelaySeconds <= maxDelaySeconds');
  }
  const documents = DynamoDBDocumentClient.from(client);
  const keyOf = (account: string, scope: string) => ({
    pk: `LOGIN#${account}#${scope}`,
    sk: 'LOGIN_THROTTLE' as const,
  });

  /** The bucket a success resets: the device's, or the client network's. */
  const ownBucket = ({ email, ip, device }: LoginAttempt) => {
    const account = loginAccountKey(email);
    return { key: keyOf(account, device ? `device:${device}` : `net:${clientNetwork(ip)}`), free: freeAttempts };
  };
  const bucketsOf = (attempt: LoginAttempt) =>
    attempt.device
      ? [ownBucket(attempt)]
      : [ownBucket(attempt), { key: keyOf(loginAccountKey(attempt.email), 'account'), free: accountFreeAttempts }];

  const delayMs = (failures: number, free: number) =>
    failures < free ? 0 : Math.min(maxDelaySeconds, baseDelaySeconds * 2 ** (failures - free)) * 1000;

  /** Counts one attempt in a bucket, or says how long to wait. */
  async function reserve({ key, free }: { key: ReturnType<typeof keyOf>; free: number }): Promise<ThrottleDecision> {
    for (let race = 0; race < maxWriteRaces; race += 1) {
      const { Item } = await documents.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
      const current = Item as ThrottleRecord | undefined;
      const at = now();
      if (current && current.notBefore > at) {
        return { allowed: false, retryAfterSeconds: Math.ceil((current.notBefore - at) / 1000) };
      }
      const failures = (current?.failures ?? 0) + 1;
      const next: ThrottleRecord = {
        ...key,
        failures,
        notBefore: at + delayMs(failures, free),
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
    // Attempts on one bucket racing each other this hard are an attack, not a user.
    return { allowed: false, retryAfterSeconds: 1 };
  }

  return Object.freeze({
    /** Reserves one attempt in every bucket the attempt counts against, or says how long to wait. */
    async attempt(attempt: LoginAttempt): Promise<ThrottleDecision> {
      try {
        for (const bucket of bucketsOf(attempt)) {
          const decision = await reserve(bucket);
          if (!decision.allowed) return decision;
        }
        return { allowed: true };
      } catch (error) {
        throw translateDynamoDbError(error);
      }
    },

    /**
     * A correct password: the client or device it came from starts afresh. The account-wide
     * ceiling is left to expire, or a guesser who shares nothing with the owner would get a fresh
     * allowance every time the owner signs in.
     */
    async succeeded(attempt: LoginAttempt): Promise<void> {
      const { key } = ownBucket(attempt);
      await callDynamoDb(() => documents.send(new DeleteCommand({ TableName: tableName, Key: key })));
    },
  });
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
