import type { Identity } from '@authscale/identity';
import type { ApiKeyStore } from './api-keys/create-api-key-store.ts';
import type { LoginThrottle } from './login-throttle/create-login-throttle.ts';
import type { Mailer } from './mail/create-mailer.ts';
import type { OidcProviderSettings } from './oidc/oidc-provider-settings.ts';
import type { RefreshTokenStore } from './refresh-tokens/create-refresh-token-store.ts';
import type { SessionGateway } from './sessions/session-gateway.ts';
import type { SigningKeys } from './tokens/signing-keys.ts';

/** Everything the orchestrator talks to, built once and handed to the app. */
export interface OrchestratorDependencies {
  identity: Identity;
  sessions: SessionGateway;
  refreshTokens: RefreshTokenStore;
  apiKeys: ApiKeyStore;
  loginThrottle: LoginThrottle;
  signingKeys: SigningKeys;
  /** Outbound mail: verification and password-reset links, notices. */
  mail: Mailer;
  /** OpenID providers built in code, beside OIDC_PROVIDERS (tests: a loopback provider). */
  oidcProviders?: OidcProviderSettings[];
  /** Releases pools and clients; called when the app closes. */
  close?: () => Promise<void>;
}
