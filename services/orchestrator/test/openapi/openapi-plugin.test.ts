import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
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
          responses: Record<string, unknown>;
        }
      >
    >;
  };
  before(async () => {
    harness = await startOrchestrator();
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
    assert.ok(served.paths['/auth/login']?.post?.responses['4XX'], 'refusals are documented');
    assert.deepEqual(
      Object.keys(served.paths).filter((path) => path.startsWith('/internal') || path === '/openapi.json'),
      [],
    );
  });

  it('marks sign-in routes public and everything else as needing the cookie or a bearer token', () => {
    assert.deepEqual(served.paths['/auth/login']?.post?.security, []);
    assert.equal(served.paths['/me']?.get?.security, undefined, 'inherits the document-wide requirement');
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

  it('is committed under docs/ as served (npm run openapi rewrites it)', () => {
    const current = `${JSON.stringify(served, null, 2)}\n`;
    if (process.env.AUTHSCALE_WRITE_OPENAPI === 'true') writeFileSync(committed, current);
    assert.equal(readFileSync(committed, 'utf8'), current, 'docs/openapi.json is stale: run npm run openapi');
  });
});
