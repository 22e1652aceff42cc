import { webcrypto } from 'node:crypto';

const imported = new WeakMap<Uint8Array, Promise<webcrypto.CryptoKey>>();

/**
 * The principal key as a WebCrypto HMAC key, imported once per key. Handing jose the raw bytes
 * makes it import them again on every sign and verify, which cost the edge more CPU per request
 * than the rest of request authentication.
 */
export function hmacKey(bytes: Uint8Array): Promise<webcrypto.CryptoKey> {
  let key = imported.get(bytes);
  if (!key) {
    key = webcrypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    imported.set(bytes, key);
  }
  return key;
}
