import type { OidcSignInOutcome, SignInWithOidcInput } from '@authscale/identity';

/** What OIDC sign-in needs from the identity module. */
export interface OidcAccounts {
  /**
   * Finds the user bound to (issuer, subject); else binds the identity to the signed-in user who
   * is linking it, or to the account that proved this verified email, or creates that user with a
   * personal tenant. One transaction; a refusal writes nothing.
   */
  signInWithOidc(input: Omit<SignInWithOidcInput, 'tenantName'>): Promise<OidcSignInOutcome>;
}
