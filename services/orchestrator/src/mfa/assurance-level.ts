/** RFC 8176 method references this service produces. */
export type AuthenticationMethod = 'pwd' | 'otp' | 'hwk' | 'swk' | 'fed';

/**
 * The `acr` for a set of methods, in NIST SP 800-63B terms: a passkey with user verification is
 * multi-factor on its own (a key held by the device, unlocked by the user), as is a password with
 * a one-time code; anything else is single-factor.
 */
export function assuranceLevel(amr: readonly string[]): 'aal1' | 'aal2' {
  const passkey = amr.includes('hwk') || amr.includes('swk');
  const passwordAndCode = amr.includes('pwd') && amr.includes('otp');
  return passkey || passwordAndCode ? 'aal2' : 'aal1';
}
