import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { createJwksCache, createService, verifyAccessToken } from '@authscale/core';
import type { JWK } from 'jose';
import { accessTokensPlugin } from '../../src/tokens/access-tokens-plugin.ts';
import { generateSigningKey } from '../../src/tokens/generate-signing-key.ts';
import { issueAccessToken, notBeforeLeewaySeconds } from '../../src/tokens/issue-access-token.ts';
import { jwksRoutes } from '../../src/tokens/jwks-routes.ts';
import { loadSigningKeys, type SigningKeys } from '../../src/tokens/signing-keys.ts';

const issuer = 'https://auth.example.test';
const audience = 'authscale-api';
const subject = {
  userId: '0b7c3a1e-8f0e-4f55-9d86-5b9b8f2b9f10',
  sessionId: 'session-1',
  tenantId: 'c5f2f8a4-2b0a-4a53-8f57-2f3f1c1f7d21',
  amr: ['pwd'],
  acr: 'aal1',
  authTime: 1_700_000_000,
};

const publicOnly = ({ d: _private, ...rest }: JWK) => rest;

/** One orchestrator deployment, configured with `keys`. */
async function deploy(keys: SigningKeys) {
  const app = await createService({ name: 'orchestrator', logLevel: 'silent' });
  await app.register(accessTokensPlugin, { keys, issuer, audience });
  await app.register(jwksRoutes, { keys });
  await app.ready();
  return app;
}

type Deployment = Awaited<ReturnType<typeof deploy>>;

/** The load balancer verifiers fetch the JWKS through; deployments change behind it. */
async function startBalancer() {
  let current: Deployment | undefined;
  const server = createServer(async (request, response) => {
    const answer = await (current as Deployment).inject({ method: 'GET', url: request.url ?? '/' });
    response.writeHead(answer.statusCode, { 'content-type': 'application/json' }).end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`,
    async route(next: Deployment) {
      await current?.close();
      current = next;
    },
    async stop() {
      await current?.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('signing-key rotation', () => {
  it('a new key signs while the old one keeps verifying until it is removed', async () => {
    const oldKey = await generateSigningKey();
    const newKey = await generateSigningKey();

    const balancer = await startBalancer();
    // Before: only the old key.
    let deployment = await deploy(await loadSigningKeys({ jwks: { keys: [oldKey] } }));
    await balancer.route(deployment);
    const jwks = createJwksCache({ url: balancer.url, cooldownMs: 0 });
    const verify = (token: string) => verifyAccessToken({ token, keys: jwks, issuer, audience });
    const oldToken = (await deployment.accessTokens.issue(subject)).accessToken;
    assert.equal((await verify(oldToken)).sub, subject.userId);

    // Rotation: the new key is active; the old one is published, public part only.
    deployment = await deploy(await loadSigningKeys({ jwks: { keys: [newKey, publicOnly(oldKey)] } }));
    await balancer.route(deployment);
    const published = await deployment.inject({ method: 'GET', url: '/.well-known/jwks.json' });
    assert.deepEqual(
      published.json().keys.map((key: JWK) => key.kid),
      [newKey.kid, oldKey.kid],
    );
    assert.ok(published.json().keys.every((key: JWK) => key.d === undefined));
    const newToken = (await deployment.accessTokens.issue(subject)).accessToken;
    assert.equal(JSON.parse(Buffer.from(newToken.split('.')[0] as string, 'base64url').toString()).kid, newKey.kid);
    // The verifier's cache knew only the old key: the unknown kid makes it refetch.
    assert.equal((await verify(newToken)).sub, subject.userId);
    assert.equal((await verify(oldToken)).sub, subject.userId);

    // After the old key's last token has expired, it is removed and its tokens stop verifying.
    await balancer.route(await deploy(await loadSigningKeys({ jwks: { keys: [newKey] } })));
    const fresh = createJwksCache({ url: balancer.url, cooldownMs: 0 });
    await assert.rejects(verifyAccessToken({ token: oldToken, keys: fresh, issuer, audience }), {
      code: 'unauthenticated',
    });
    assert.equal((await verifyAccessToken({ token: newToken, keys: fresh, issuer, audience })).sid, 'session-1');
    await balancer.stop();
  });

  it("a token from an orchestrator whose clock is 30 s ahead verifies at once on the verifier's clock", async () => {
    const keys = await loadSigningKeys({ jwks: { keys: [await generateSigningKey()] } });
    const realNow = Date.now;
    Date.now = () => realNow() + 30_000;
    let accessToken: string;
    try {
      ({ accessToken } = await issueAccessToken({ keys, issuer, audience, subject }));
    } finally {
      Date.now = realNow;
    }
    assert.equal(
      (await verifyAccessToken({ token: accessToken, keys: keys.verifier, issuer, audience })).sid,
      'session-1',
    );
  });

  it('tokens carry the access-token profile', async () => {
    const keys = await loadSigningKeys({ jwks: { keys: [await generateSigningKey()] } });
    const deployment = await deploy(keys);
    const { accessToken, expiresIn } = await deployment.accessTokens.issue(subject);
    await deployment.close();
    const claims = await verifyAccessToken({ token: accessToken, keys: keys.verifier, issuer, audience });
    assert.equal(expiresIn, 900);
    assert.equal(claims.exp - claims.iat, 900);
    assert.equal(claims.nbf, claims.iat - notBeforeLeewaySeconds);
    assert.deepEqual(
      [claims.sub, claims.sid, claims.tid, claims.acr, claims.auth_time],
      [subject.userId, subject.sessionId, subject.tenantId, 'aal1', subject.authTime],
    );
    assert.match(claims.jti, /^[0-9a-f-]{36}$/);
  });

  it('refuses bad key configuration at start-up', async () => {
    const good = await generateSigningKey();
    const cases: [unknown, string | undefined, RegExp][] = [
      [{}, undefined, /JWK Set/],
      [{ keys: [] }, undefined, /JWK Set/],
      [{ keys: [{ ...good, kid: undefined }] }, undefined, /kid/],
      [{ keys: [good, good] }, undefined, /duplicate kid/],
      [{ keys: [{ kty: 'oct', k: 'c2VjcmV0', kid: 'h' }] }, undefined, /EC P-256/],
      [{ keys: [publicOnly(good)] }, undefined, /no private part/],
      [{ keys: [good] }, 'missing', /active kid/],
    ];
    for (const [jwks, activeKid, message] of cases) {
      await assert.rejects(loadSigningKeys({ jwks, ...(activeKid ? { activeKid } : {}) }), message);
    }
  });
});
