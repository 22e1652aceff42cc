import type { Identity } from '@authscale/identity';
import type { ApiKeyStore } from '../api-keys/create-api-key-store.ts';
import type { Mailer } from '../mail/create-mailer.ts';
import type { RefreshTokenStore } from '../refresh-tokens/create-refresh-token-store.ts';
import type { SessionGateway } from '../sessions/session-gateway.ts';
import type { OperatorKeyStore } from './create-operator-key-store.ts';

/** What the admin API talks to; `identity` is connected as the operator role. */
export interface AdminApiDependencies {
  identity: Identity;
  sessions: SessionGateway;
  refreshTokens: RefreshTokenStore;
  /** Erasure revokes the API keys the user made. */
  apiKeys: ApiKeyStore;
  operatorKeys: OperatorKeyStore;
  mail: Mailer;
  close?: () => Promise<void>;
}
