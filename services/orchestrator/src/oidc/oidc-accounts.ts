/** What OIDC sign-in needs from the identity module. */
export interface OidcAccounts {
  /**
   * Finds the user bound to (issuer, subject). Without one, links the identity to the user with
   * this email, or creates that user with a personal tenant, but only when the provider marked
   * the email verified. `null` when it may do neither. One transaction.
   */
  signInWithOidc(input: {
    issuer: string;
    subject: string;
    email: string | null;
    emailVerified: boolean;
  }): Promise<{ userId: string; outcome: 'existing' | 'linked' | 'created' } | null>;
}
