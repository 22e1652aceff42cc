import { hkdfSync } from 'node:crypto';
import { ConfigError } from '@authscale/core';
import type { Identity } from '@authscale/identity';
import { Value } from 'typebox/value';
import { beforeSignUpHook, type CheckSignUp } from '../hooks/before-sign-up-hook.ts';
import { createOidcSignIn } from '../oidc/create-oidc-sign-in.ts';
import { type OidcProviderSettings, oidcProviderSettingsSchema } from '../oidc/oidc-provider-settings.ts';
import { createPasskeys } from '../passkeys/create-passkeys.ts';
import { createSecretBox } from '../totp/create-secret-box.ts';
import { createTotp } from '../totp/create-totp.ts';
import type { CeremonyDependencies, CompleteSignIn } from './ceremony-dependencies.ts';
import { createElevation } from './create-elevation.ts';
import { createMfaChallenges } from './create-mfa-challenges.ts';

export interface CeremonySettings {
  PUBLIC_ORIGIN: string;
  WEBAUTHN_RP_ID?: string | undefined;
  WEBAUTHN_RP_NAME: string;
  WEBAUTHN_ORIGINS?: readonly string[] | undefined;
  TOTP_ENCRYPTION_KEY: string;
  TOTP_ENCRYPTION_KEY_ID: string;
  TOTP_PREVIOUS_ENCRYPTION_KEYS: readonly string[];
  TOTP_ISSUER: string;
  OIDC_PROVIDERS: string;
  STEP_UP_TTL_SECONDS: number;
}

export interface CreateCeremoniesOptions {
  config: CeremonySettings;
  identity: Identity;
  completeSignIn: CompleteSignIn;
  /** The before-sign-up hook. @default none: every new account is allowed */
  checkSignUp?: CheckSignUp;
  /** Providers built in code rather than configuration (tests: a loopback provider). @default [] */
  extraOidcProviders?: OidcProviderSettings[];
}

const deriveKey = (secret: string) => new Uint8Array(hkdfSync('sha256', secret, 'authscale', 'totp-secret-box-v1', 32));

function parseProviders(raw: string): OidcProviderSettings[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError('orchestrator', ['OIDC_PROVIDERS: not JSON']);
  }
  const list = Array.isArray(parsed) ? parsed : [parsed];
  return list.map((entry, index) => {
    const provider = Value.Default(oidcProviderSettingsSchema, structuredClone(entry));
    const problems = [...Value.Errors(oidcProviderSettingsSchema, provider)].map(
      (error) => `OIDC_PROVIDERS[${index}]${error.instancePath}: ${error.message}`,
    );
    if (problems.length > 0) throw new ConfigError('orchestrator', problems);
    if (!(provider as OidcProviderSettings).issuer.startsWith('https://')) {
      throw new ConfigError('orchestrator', [`OIDC_PROVIDERS[${index}].issuer: must be https`]);
    }
    return Object.freeze(provider as OidcProviderSettings);
  });
}

/** Builds the passkey, TOTP and OIDC ceremonies from configuration, over the identity module. */
export function createCeremonies({
  config,
  identity,
  completeSignIn,
  checkSignUp = beforeSignUpHook(undefined),
  extraOidcProviders = [],
}: CreateCeremoniesOptions): CeremonyDependencies & { oidcProviderNames: string[] } {
  const previousKeys = Object.fromEntries(
    config.TOTP_PREVIOUS_ENCRYPTION_KEYS.map((entry) => {
      const separator = entry.indexOf(':');
      return [entry.slice(0, separator), deriveKey(entry.slice(separator + 1))];
    }),
  );
  const secretBox = createSecretBox({
    keys: { ...previousKeys, [config.TOTP_ENCRYPTION_KEY_ID]: deriveKey(config.TOTP_ENCRYPTION_KEY) },
    currentKeyId: config.TOTP_ENCRYPTION_KEY_ID,
  });
  const providers = [...parseProviders(config.OIDC_PROVIDERS), ...extraOidcProviders];
  const origins = config.WEBAUTHN_ORIGINS ?? [config.PUBLIC_ORIGIN];
  return {
    totp: createTotp({ store: identity.totp, secretBox, issuer: config.TOTP_ISSUER }),
    passkeys: createPasskeys({
      store: identity.passkeys,
      flows: identity.flows,
      rpId: config.WEBAUTHN_RP_ID ?? new URL(config.PUBLIC_ORIGIN).hostname,
      rpName: config.WEBAUTHN_RP_NAME,
      origins,
    }),
    oidc: createOidcSignIn({
      providers,
      flows: identity.flows,
      accounts: identity.oidc,
      publicOrigin: config.PUBLIC_ORIGIN,
    }),
    mfaChallenges: createMfaChallenges({ flows: identity.flows }),
    elevation: createElevation({ flows: identity.flows, ttlSeconds: config.STEP_UP_TTL_SECONDS }),
    identity,
    completeSignIn,
    checkSignUp,
    oidcProviderNames: providers.map(({ name }) => name),
  };
}
