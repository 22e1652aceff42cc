/**
 * RFC 8176 method references this service produces, and `email`: a one-time code or link mailed
 * to the account (RFC 8176 has no value for it).
 */
export type AuthenticationMethod = 'pwd' | 'otp' | 'hwk' | 'swk' | 'fed' | 'email';

/**
 * The `acr` for a set of methods, in NIST SP 800-63B terms: a passkey with user verification is
 * multi-factor on its own (a key held by the device, unlocked by the user), as is a password with
 * a one-time code; anything else is single-factor. A mailed code is no authenticator in those
 * terms (SP 800-63B 5.1.3.1 rules email out), so a mailed code and a TOTP code stay aal1.
 */
export function assuranceLevel(amr: readonly string[]): 'aal1' | 'aal2' {
  const passkey = amr.includes('hwk') || amr.includes('swk');
  const passwordAndCode = amr.includes('pwd') && amr.includes('otp');
  return passkey || passwordAndCode ? 'aal2' : 'aal1';
}
