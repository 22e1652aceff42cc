import { once } from 'node:events';
import { createServer } from 'node:https';
import Provider from 'oidc-provider';
import { freePort } from '../free-port.ts';

export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  stop(): Promise<void>;
}

/**
 * A real OpenID provider on a free loopback port. The account id typed at its login prompt
 * decides the claims: `<name>` has a verified `<name>@example.test`, `unverified-<name>` an
 * unverified one. With `tls` it serves https, as a provider configured through the environment
 * must (only code may allow a plain-http loopback issuer).
 */
export async function startTestProvider({
  redirectUri,
  tls,
}: {
  redirectUri: string;
  tls?: { key: string; cert: string };
}): Promise<TestProvider> {
  const clientId = 'authscale-test';
  const clientSecret = 'a-test-client-secret-of-decent-length';
  let issuer = '';
  const provider = () =>
    new Provider(issuer, {
      clients: [
        {
          client_id: clientId,
          client_secret: clientSecret,
          redirect_uris: [redirectUri],
          grant_types: ['authorization_code'],
          response_types: ['code'],
        },
      ],
      claims: { openid: ['sub'], email: ['email', 'email_verified'] },
      pkce: { required: () => true },
      cookies: { keys: ['a-test-cookie-signing-key'] },
      findAccount: (_context: unknown, accountId: string) => ({
        accountId,
        claims: () => {
          const unverified = accountId.startsWith('unverified-');
          return {
            sub: accountId,
            email: `${accountId.replace(/^unverified-/, '')}@example.test`,
            email_verified: !unverified,
          };
        },
      }),
    });
  // The issuer names the port, so the port is chosen before the provider exists.
  const port = await freePort();
  issuer = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const server = tls
    ? createServer(tls, provider().callback()).listen(port, '127.0.0.1')
    : provider().listen(port, '127.0.0.1');
  await once(server, 'listening');
  return {
    issuer,
    clientId,
    clientSecret,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
