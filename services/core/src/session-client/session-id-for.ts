import { hash } from 'node:crypto';

const base64url = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * base64url of the first 128 bits of SHA-256(token): what is stored and shown instead of the
 * token. 128 bits keep ids unique and a token for a given id unfindable, as the full 256 would;
 * the 21 characters fewer put a one-session user's Redis hash in a smaller allocation
 * (`docs/sessions.md`, "Storage layout"). The edge's near cache keys sessions the same way.
 */
export function sessionIdFor(token: string): string {
  // The edge computes this on every cookie request. Encoding the whole digest as a string costs a
  // third of encoding 16 bytes of it through a Buffer. Its first 21 characters are bits 0-125;
  // the 22nd holds bits 126-127 and then, where the 16-byte encoding has zero padding, 4 bits of
  // byte 16, which the mask clears.
  const digest = hash('sha256', token, 'base64url');
  return digest.slice(0, 21) + base64url[base64url.indexOf(digest.charAt(21)) & 0b110000];
}
