/**
 * Where each mailed link leads, under PUBLIC_ORIGIN: the pages that post the link's token back to
 * the API. One list, because the orchestrator writes the links and the edge serves the pages.
 */
export const mailLinkPaths = Object.freeze({
  verifyEmail: '/verify-email',
  resetPassword: '/reset-password',
  emailCodeSignIn: '/sign-in-by-email',
  totpEmailRecovery: '/recover-totp',
  confirmEmailChange: '/confirm-email-change',
  acceptInvitation: '/accept-invitation',
});
