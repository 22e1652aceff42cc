import { ConfigError } from '@authscale/core';
import type { OidcProviderSettings } from './oidc-provider-settings.ts';

const insecure = new WeakSet<object>();
const loopbackHosts = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * WARNING: lets this provider be reached over plain http. For a provider on the loopback
 * interface only (tests, local development); any other issuer is refused. Never set from
 * environment configuration.
 */
export function allowInsecureLoopbackIssuer<T extends OidcProviderSettings>(provider: T): T {
  const { protocol, hostname } = new URL(provider.issuer);
  if (protocol !== 'http:' || !loopbackHosts.has(hostname)) {
    throw new ConfigError(`oidc provider ${provider.name}`, [
      'insecure requests are allowed for loopback http issuers only',
    ]);
  }
  insecure.add(provider);
  return provider;
}

export function allowsInsecureRequests(provider: object): boolean {
  return insecure.has(provider);
}
