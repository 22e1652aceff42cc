import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { beforeTokenHook, type ClaimsFor } from '../hooks/before-token-hook.ts';
import { type AccessTokenSubject, issueAccessToken } from './issue-access-token.ts';
import type { SigningKeys } from './signing-keys.ts';

export interface AccessTokensOptions {
  keys: SigningKeys;
  issuer: string;
  audience: string;
  /** @default 900 */
  lifetimeSeconds?: number;
  /** The before-token hook (docs/hooks.md). @default none: no claims are added */
  claimsFor?: ClaimsFor;
}

declare module 'fastify' {
  interface FastifyInstance {
    accessTokens: {
      issue(
        subject: AccessTokenSubject,
        addedClaims?: Record<string, unknown>,
      ): Promise<{ accessToken: string; expiresIn: number }>;
      /**
       * The claims the before-token hook adds for this subject, asked before the token's grant is
       * settled (the refresh rotation written, the sign-in's session announced), so a fail-closed
       * refusal leaves nothing half done.
       */
      claimsFor: ClaimsFor;
    };
  }
}

/** Access-token issuing (`app.accessTokens.issue`); `jwksRoutes` serves the public key set. */
export const accessTokensPlugin = fp<AccessTokensOptions>(
  async (
    app: FastifyInstance,
    { keys, issuer, audience, lifetimeSeconds = 900, claimsFor = beforeTokenHook(undefined) },
  ) => {
    if (!keys?.privateKey || !keys.activeKid) throw new TypeError('authscale-access-tokens: options.keys is required');
    if (!issuer || !audience) throw new TypeError('authscale-access-tokens: issuer and audience are required');
    if (!Number.isInteger(lifetimeSeconds) || lifetimeSeconds < 60 || lifetimeSeconds > 3600) {
      throw new TypeError('authscale-access-tokens: lifetimeSeconds must be 60..3600');
    }
    app.decorate('accessTokens', {
      issue: (subject: AccessTokenSubject, addedClaims: Record<string, unknown> = {}) =>
        issueAccessToken({ keys, issuer, audience, subject, addedClaims, lifetimeSeconds }),
      claimsFor,
    });
  },
  { name: 'authscale-access-tokens', fastify: '5.x' },
);
