import { timingSafeEqual } from 'node:crypto';
import { AuthError, ConfigError, normalizeEmail } from '@authscale/core';
import * as client from 'openid-client';
import type { FlowStore } from '../mfa/flow-store.ts';
import { newFlowId } from '../mfa/new-flow-id.ts';
import { allowsInsecureRequests } from './allow-insecure-loopback-issuer.ts';
import type { OidcAccounts } from './oidc-accounts.ts';
import type { OidcProviderSettings } from './oidc-provider-settings.ts';
import { translateOidcError } from './translate-oidc-error.ts';

export interface CreateOidcSignInOptions {
  providers: readonly OidcProviderSettings[];
  flows: FlowStore;
  accounts: OidcAccounts;
  /** Our public origin (the edge), for redirect URIs: never derived from a Host header. */
  publicOrigin: string;
  /** How long a started sign-in stays usable. @default 600 */
  flowTtlSeconds?: number;
}

export interface OidcSignInResult {
  userId: string;
  outcome: 'existing' | 'linked' | 'created';
  returnTo: string;
  /** The flow connected the provider to a signed-in user's account instead of signing in. */
  linking: boolean;
}

const refusal = {
  unverified_email: () => new AuthError('forbidden', 'The identity provider did not verify an email address.'),
  // An account holds the address but never proved it: only its holder, signed in, may connect.
  unproven_account: () => new AuthError('conflict', 'An account already uses this email address.'),
  // The provider is not trusted to join accounts by email: the holder connects it, signed in.
  link_required: () => new AuthError('conflict', 'An account already uses this email address.'),
  identity_taken: () => new AuthError('conflict', 'This provider account is connected to another account.'),
  look_alike: () => new AuthError('conflict', 'An account already uses an address that looks like this one.'),
} as const;

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * OpenID Connect sign-in (authorization code + PKCE S256 + state + nonce). Each attempt is a
 * server-side flow bound to the browser by an opaque id (the caller keeps it in a short-lived
 * HttpOnly cookie) and spent on the first callback, whatever its outcome.
 */
export function createOidcSignIn({
  providers,
  flows,
  accounts,
  publicOrigin,
  flowTtlSeconds = 600,
}: CreateOidcSignInOptions) {
  const byName = new Map(providers.map((provider) => [provider.name, provider]));
  if (byName.size !== providers.length) throw new ConfigError('oidc', ['provider names must be unique']);
  const configurations = new Map<string, Promise<client.Configuration>>();

  function settingsFor(name: string): OidcProviderSettings {
    const provider = byName.get(name);
    if (!provider) throw new AuthError('not_found', 'Unknown identity provider.');
    return provider;
  }

  const redirectUri = (name: string) => new URL(`/auth/oidc/${name}/callback`, publicOrigin).toString();

  /** Discovery once per provider; a failed discovery is retried by the next sign-in. */
  function configurationFor(provider: OidcProviderSettings): Promise<client.Configuration> {
    let configuration = configurations.get(provider.name);
    if (!configuration) {
      configuration = client
        .discovery(new URL(provider.issuer), provider.clientId, provider.clientSecret, undefined, {
          execute: allowsInsecureRequests(provider) ? [client.allowInsecureRequests] : [],
        })
        .catch((error: unknown) => {
          configurations.delete(provider.name);
          throw translateOidcError(error);
        });
      configurations.set(provider.name, configuration);
    }
    return configuration;
  }

  return Object.freeze({
    /** Starts a sign-in: where to send the browser, and the flow id to keep in a cookie. */
    async start({
      provider: name,
      returnTo,
      linkToUserId,
    }: {
      provider: string;
      returnTo?: string | undefined;
      /** A signed-in user connecting the provider to their account. */
      linkToUserId?: string;
    }) {
      const provider = settingsFor(name);
      const target = returnTo ?? provider.allowedReturnTo[0] ?? '/';
      if (!provider.allowedReturnTo.includes(target)) {
        throw new AuthError('invalid_request', 'return_to is not allowed.');
      }
      const configuration = await configurationFor(provider);
      const codeVerifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      const flowId = newFlowId();
      await flows.put({
        kind: 'oidc',
        id: flowId,
        payload: {
          provider: name,
          state,
          nonce,
          codeVerifier,
          returnTo: target,
          ...(linkToUserId ? { linkToUserId } : {}),
        },
        ttlSeconds: flowTtlSeconds,
      });
      const authorizationUrl = client.buildAuthorizationUrl(configuration, {
        redirect_uri: redirectUri(name),
        scope: provider.scope,
        code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      return { authorizationUrl: authorizationUrl.toString(), flowId, flowTtlSeconds };
    },

    /**
     * Completes a sign-in from the provider's redirect. The flow is taken first, so a replayed
     * or forged callback finds nothing; the account is touched only after every check passed.
     */
    async complete({
      provider: name,
      flowId,
      query,
      beforeSignUp,
    }: {
      provider: string;
      flowId: string | undefined;
      query: Record<string, string>;
      /** Asked before a new account is created (the before-sign-up hook); throws to refuse it. */
      beforeSignUp?: (email: string) => Promise<void>;
    }): Promise<OidcSignInResult> {
      const provider = settingsFor(name);
      if (!flowId) throw new AuthError('invalid_request', 'No sign-in is in progress.');
      const flow = await flows.take({ kind: 'oidc', id: flowId });
      const { provider: flowProvider, state, nonce, codeVerifier, returnTo, linkToUserId } = flow ?? {};
      if (
        flowProvider !== name ||
        typeof state !== 'string' ||
        typeof nonce !== 'string' ||
        typeof codeVerifier !== 'string' ||
        typeof returnTo !== 'string' ||
        (linkToUserId !== undefined && typeof linkToUserId !== 'string')
      ) {
        throw new AuthError('invalid_request', 'No sign-in is in progress.');
      }
      if (typeof query.state !== 'string' || !sameText(query.state, state)) {
        throw new AuthError('invalid_request', 'The sign-in state does not match.');
      }
      const configuration = await configurationFor(provider);
      const currentUrl = new URL(redirectUri(name));
      currentUrl.search = new URLSearchParams(query).toString();
      let subject: string;
      let profile: Record<string, unknown>;
      try {
        const tokens = await client.authorizationCodeGrant(configuration, currentUrl, {
          pkceCodeVerifier: codeVerifier,
          expectedState: state,
          expectedNonce: nonce,
          idTokenExpected: true,
        });
        const idToken = tokens.claims();
        if (!idToken) throw new AuthError('invalid_credentials', 'The identity provider sent no ID token.');
        subject = idToken.sub;
        // Providers may keep scope claims (email) out of the ID token; userinfo must name the same subject.
        profile = configuration.serverMetadata().userinfo_endpoint
          ? { ...idToken, ...(await client.fetchUserInfo(configuration, tokens.access_token, subject)) }
          : idToken;
      } catch (error) {
        throw translateOidcError(error);
      }
      const email = typeof profile.email === 'string' ? profile.email : null;
      const signIn = (createUser: boolean) =>
        accounts.signInWithOidc({
          issuer: configuration.serverMetadata().issuer,
          subject,
          email,
          emailVerified: profile.email_verified === true,
          linkByVerifiedEmail: provider.linkByVerifiedEmail === true,
          createUser,
          ...(linkToUserId ? { linkToUserId } : {}),
        });
      // Given beforeSignUp, a first pass writes nothing when it would create a user; the check runs
      // outside the transaction (never holding a connection for a hook's timeout), then a second creates.
      let account = await signIn(!beforeSignUp);
      if ('needsSignUp' in account && beforeSignUp && email) {
        await beforeSignUp(normalizeEmail(email));
        account = await signIn(true);
      }
      if ('needsSignUp' in account) throw new AuthError('internal');
      if ('refused' in account) throw refusal[account.refused]();
      return { ...account, returnTo, linking: linkToUserId !== undefined };
    },
  });
}

export type OidcSignIn = ReturnType<typeof createOidcSignIn>;
