import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import Fastify from 'fastify';
import { openapiPlugin } from '../../src/openapi/openapi-plugin.ts';
import { type Harness, startOrchestrator } from '../fixtures/orchestrator-harness.ts';

const committed = new URL('../../../../docs/openapi.json', import.meta.url);

describe('the OpenAPI document', () => {
  let harness: Harness;
  let served: {
    openapi: string;
    paths: Record<
      string,
      Record<
        string,
        {
          security?: unknown[];
          requestBody?: {
            content: Record<string, { schema: { properties: Record<string, Record<string, unknown>> } }>;
          };
          responses: Record<string, { headers?: Record<string, { required?: boolean }>; content?: unknown }>;
        }
      >
    >;
    components: { securitySchemes: Record<string, { name?: string; description: string }> };
  };
  const everyOperation = () =>
    Object.entries(served.paths).flatMap(([path, byMethod]) =>
      Object.entries(byMethod).map(([method, operation]) => ({
        key: `${method.toUpperCase()} ${path}`,
        method,
        operation,
      })),
    );
  // As `npm start` runs it: the document a new user's tools read first, cookie name included.
  before(async () => {
    harness = await startOrchestrator({ env: { INSECURE_LOCAL_HTTP_COOKIES: 'true' } });
    const response = await harness.app.inject({ method: 'GET', url: '/openapi.json' });
    assert.equal(response.statusCode, 200);
    served = response.json();
  });
  after(() => harness.stop());

  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(structuredClone(served));
    assert.equal(result.valid, true, JSON.stringify(result.errors));
  });

  it('lists the contract routes with their error shape, and no internal route', () => {
    assert.match(served.openapi, /^3\.1\./);
    for (const path of ['/auth/signup', '/auth/login', '/auth/token/refresh', '/me', '/api/projects'])
      assert.ok(served.paths[path], `${path} is documented`);
    assert.ok(served.paths['/auth/login']?.post?.responses['401'], 'refusals are documented');
    assert.deepEqual(
      Object.keys(served.paths).filter((path) => path.startsWith('/internal') || path === '/openapi.json'),
      [],
    );
  });

  it('marks sign-in routes public and everything else as needing the cookie or a bearer token', () => {
    assert.deepEqual(served.paths['/auth/login']?.post?.security, []);
    assert.equal(served.paths['/me']?.get?.security, undefined, 'inherits the document-wide requirement');
  });

  it('gives every operation its success answer, and 204s and redirects no body', () => {
    const withoutSuccess = everyOperation()
      .filter(({ operation }) => !Object.keys(operation.responses).some((status) => /^[23]\d\d$/.test(status)))
      .map(({ key }) => key);
    assert.deepEqual(withoutSuccess, []);
    for (const { key, operation } of everyOperation()) {
      for (const status of ['204', '303']) {
        assert.equal(operation.responses[status]?.content, undefined, `${key} ${status} has no body`);
      }
    }
    assert.ok(served.paths['/auth/logout']?.post?.responses['204']);
    assert.ok(served.paths['/auth/oidc/{provider}/start']?.get?.responses['303']?.headers?.location);
  });

  it('lists on every operation the refusals the edge gives in front of it, with their headers', () => {
    for (const { key, method, operation } of everyOperation()) {
      const statuses = Object.keys(operation.responses);
      for (const status of ['400', '413', '429', '500', '502', '503', '504']) {
        assert.ok(statuses.includes(status), `${key} lists ${status}`);
      }
      assert.equal(operation.responses['429']?.headers?.['Retry-After']?.required, true, `${key} 429 Retry-After`);
      assert.equal(
        statuses.some((status) => /^[45]XX$/.test(status)),
        false,
        `${key} lists statuses, not ranges`,
      );
      const authenticated = operation.security === undefined;
      if (authenticated) {
        assert.equal(operation.responses['401']?.headers?.['WWW-Authenticate']?.required, true, `${key} 401`);
      }
      // Request auth (API keys outside their scope) and the CSRF check answer 403.
      if (authenticated || method !== 'get') assert.ok(statuses.includes('403'), `${key} lists 403`);
    }
    assert.ok(served.paths['/auth/login']?.post?.responses['401']?.headers?.['WWW-Authenticate'], 'a wrong password');
    assert.ok(served.paths['/api/tenants/{tenantId}/api-keys']?.post?.responses['403'], 'step-up');
    assert.ok(served.paths['/auth/passkeys/{id}']?.delete?.responses['404']);
    assert.ok(served.paths['/api/invitations/accept']?.post?.responses['409']);
    assert.equal(served.paths['/.well-known/jwks.json']?.get?.responses['401'], undefined, 'public, nothing to check');
  });

  it('states the password policy where a password is set, not where one is presented', () => {
    const passwordOf = (path: string, method: string, field: string) =>
      served.paths[path]?.[method]?.requestBody?.content['application/json']?.schema.properties[field];
    for (const [path, method, field] of [
      ['/auth/signup', 'post', 'password'],
      ['/auth/password', 'put', 'newPassword'],
    ] as const) {
      const schema = passwordOf(path, method, field);
      assert.equal(schema?.minLength, 8, path);
      assert.equal(schema?.maxLength, 128, path);
      assert.match(String(schema?.description), /commonly used password/);
    }
    assert.equal(passwordOf('/auth/login', 'post', 'password')?.minLength, 1);
  });

  it('names the cookie the running service sets, and describes both names', () => {
    const { sessionCookie } = served.components.securitySchemes;
    assert.equal(sessionCookie?.name, 'authscale_session', 'local plain-HTTP mode');
    assert.match(String(sessionCookie?.description), /`__Host-authscale_session`/);
    assert.match(String(sessionCookie?.description), /`authscale_session`/);
  });

  it('names the production cookie where the service sets it', async () => {
    const deployed = Fastify();
    await deployed.register(openapiPlugin, { sessionCookieName: '__Host-authscale_session' });
    await deployed.ready();
    const document = deployed.swagger() as unknown as typeof served;
    assert.equal(document.components.securitySchemes.sessionCookie?.name, '__Host-authscale_session');
    await deployed.close();
  });

  it('is committed under docs/ as `npm start` serves it (npm run openapi rewrites it)', () => {
    const current = `${JSON.stringify(served, null, 2)}\n`;
    if (process.env.AUTHSCALE_WRITE_OPENAPI === 'true') writeFileSync(committed, current);
    assert.equal(readFileSync(committed, 'utf8'), current, 'docs/openapi.json is stale: run npm run openapi');
  });
});
