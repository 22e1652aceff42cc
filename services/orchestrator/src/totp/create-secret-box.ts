import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ConfigError } from '@authscale/core';

export interface SecretBoxOptions {
  /** Key id -> 32-byte AES-256 key. Old keys stay here, read-only, until no ciphertext uses them. */
  keys: Readonly<Record<string, Uint8Array>>;
  /** The key new secrets are sealed with. */
  currentKeyId: string;
  /** What a configuration error names. @default 'totp secret box' */
  scope?: string;
}

export interface SecretBox {
  /** `<keyId>.<iv>.<ciphertext>.<tag>`, base64url parts: the key id travels with the ciphertext. */
  seal(plaintext: string, context: string): string;
  /** `null` when the envelope is malformed, names an unknown key, or fails authentication. */
  open(envelope: string, context: string): string | null;
}

const keyIdPattern = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * AES-256-GCM for secrets the server must read back (TOTP seeds, webhook signing secrets). `context` (the user id) is
 * bound as additional data, so a ciphertext copied onto another user's row does not open. In AWS
 * the keys come from Secrets Manager, themselves protected by a KMS key; rotation adds a key id
 * and re-seals rows lazily on their next write.
 */
export function createSecretBox({ keys, currentKeyId, scope = 'totp secret box' }: SecretBoxOptions): SecretBox {
  const problems: string[] = [];
  for (const [id, key] of Object.entries(keys)) {
    if (!keyIdPattern.test(id)) problems.push(`key id "${id}" must match ${keyIdPattern}`);
    if (key.byteLength !== 32) problems.push(`key "${id}" must be 32 bytes, got ${key.byteLength}`);
  }
  if (!keys[currentKeyId]) problems.push(`the current key id "${currentKeyId}" is not among the keys`);
  if (problems.length > 0) throw new ConfigError(scope, problems);
  const keyring = new Map(Object.entries(keys).map(([id, key]) => [id, Buffer.from(key)]));

  return Object.freeze({
    seal(plaintext: string, context: string): string {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', keyring.get(currentKeyId) as Buffer, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [currentKeyId, iv, ciphertext, cipher.getAuthTag()]
        .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
        .join('.');
    },
    open(envelope: string, context: string): string | null {
      const [keyId, iv, ciphertext, tag, extra] = envelope.split('.');
      const key = keyId ? keyring.get(keyId) : undefined;
      if (!key || iv === undefined || ciphertext === undefined || tag === undefined || extra !== undefined) return null;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), { authTagLength: 16 });
        decipher.setAAD(Buffer.from(context, 'utf8'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString(
          'utf8',
        );
      } catch {
        return null;
      }
    },
  });
}
