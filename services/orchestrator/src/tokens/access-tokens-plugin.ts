import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { type AccessTokenSubject, issueAccessToken } from './issue-access-token.ts';
import type { SigningKeys } from './signing-keys.ts';

export interface AccessTokensOptions {
  keys: SigningKeys;
  issuer: string;
  audience: string;
  /** @default 900 */
  lifetimeSeconds?: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    accessTokens: { issue(subject: AccessTokenSubject): Promise<{ accessToken: string; expiresIn: number }> };
  }
}

/** Access-token issuing (`app.accessTokens.issue`); `jwksRoutes` serves the public key set. */
export const accessTokensPlugin = fp<AccessTokensOptions>(
  async (app: FastifyInstance, { keys, issuer, audience, lifetimeSeconds = 900 }) => {
    if (!keys?.privateKey || !keys.activeKid) throw new TypeError('authscale-access-tokens: options.keys is required');
    if (!issuer || !audience) throw new TypeError('authscale-access-tokens: issuer and audience are required');
    if (!Number.isInteger(lifetimeSeconds) || lifetimeSeconds < 60 || lifetimeSeconds > 3600) {
      throw new TypeError('authscale-access-tokens: lifetimeSeconds must be 60..3600');
    }
    app.decorate('accessTokens', {
      issue: (subject: AccessTokenSubject) => issueAccessToken({ keys, issuer, audience, subject, lifetimeSeconds }),
    });
  },
  { name: 'authscale-access-tokens', fastify: '5.x' },
);
