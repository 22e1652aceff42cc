'use strict';
/**
 * The CloudWatch Synthetics canary of `SignInCanary`: every run signs the canary user in through the
 * public origin, reads `GET /me` with the access token it got, and signs that session out again (so
 * runs do not pile up sessions). Any unexpected answer throws, which fails the run. It uses only what
 * the runtime ships: Node's fetch and the AWS SDK.
 */
const { GetSecretValueCommand, SecretsManagerClient } = require('@aws-sdk/client-secrets-manager');

const secrets = new SecretsManagerClient({});
const timeout = () => AbortSignal.timeout(10_000);

async function expectStatus(response, expected, what) {
  if (response.status !== expected) {
    // The error body names the refusal (`error.code`); it holds no credential.
    const body = await response.text();
    throw new Error(`${what} answered ${response.status}, not ${expected}: ${body.slice(0, 300)}`);
  }
  return response;
}

exports.handler = async () => {
  const origin = process.env.PUBLIC_ORIGIN;
  const { SecretString } = await secrets.send(
    new GetSecretValueCommand({ SecretId: process.env.CREDENTIALS_SECRET_ARN }),
  );
  const { email, password } = JSON.parse(SecretString);
  if (!email) throw new Error('the canary secret has no email: create the canary user (docs/deploy.md, "Canary")');

  const login = await expectStatus(
    await fetch(`${origin}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin },
      body: JSON.stringify({ email, password }),
      signal: timeout(),
    }),
    200,
    'POST /auth/login',
  );
  const { accessToken } = await login.json();
  const sessionCookies = login.headers
    .getSetCookie()
    .map((cookie) => cookie.split(';')[0])
    .join('; ');

  const me = await expectStatus(
    await fetch(`${origin}/me`, { headers: { authorization: `Bearer ${accessToken}` }, signal: timeout() }),
    200,
    'GET /me',
  );
  const { user } = await me.json();
  if (user?.email !== email) throw new Error('GET /me answered for another user');

  const logout = await fetch(`${origin}/auth/logout`, {
    method: 'POST',
    headers: { origin, cookie: sessionCookies },
    signal: timeout(),
  });
  if (!logout.ok) throw new Error(`POST /auth/logout answered ${logout.status}`);
};
