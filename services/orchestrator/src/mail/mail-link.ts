/** Where each link leads, under PUBLIC_ORIGIN: the pages that post the token back to the API. */
export const mailLinkPaths = Object.freeze({
  verifyEmail: '/verify-email',
  resetPassword: '/reset-password',
  emailCodeSignIn: '/sign-in-by-email',
  totpEmailRecovery: '/recover-totp',
});

/** A link under the public origin with the one-time token in its `token` query parameter. */
export function mailLink({ publicOrigin, path, token }: { publicOrigin: string; path: string; token: string }): string {
  const url = new URL(path, publicOrigin);
  url.searchParams.set('token', token);
  return url.href;
}
