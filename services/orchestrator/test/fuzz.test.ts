import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { asPrincipal, type Harness, startOrchestrator } from './fixtures/orchestrator-harness.ts';

interface Operation {
  method: string;
  path: string;
}

const printable = (maxLength: number) =>
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength });

/**
 * Random and malformed input at every route the orchestrator documents, through its real handlers,
 * database, DynamoDB emulator and session replica: never a 5xx, and every refusal in the error shape.
 */
describe('every documented route under random input', () => {
  let harness: Harness;
  let operations: Operation[];
  let member: { userId: string; tenantId: string };

  before(async () => {
    harness = await startOrchestrator();
    const document = (await harness.app.inject({ url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path })),
    );
    const signup = await harness.app.inject({
      method: 'POST',
      url: '/auth/signup',
      payload: { email: `fuzz-${randomUUID()}@example.test`, password: 'a perfectly long passphrase' },
    });
    assert.equal(signup.statusCode, 201);
    member = signup.json();
  });
  after(() => harness.stop());

  it('answers below 500 with {error: {code, message}} for every refusal', async () => {
    assert.ok(operations.length > 20, 'the document lists the routes');
    const parameter = fc.oneof(
      fc.constant(() => member.tenantId),
      fc.constant(() => member.userId),
      fc.constant(() => randomUUID()),
      printable(40).map((value) => () => value),
    );
    const body = fc.oneof(
      fc.constant(undefined),
      fc.json({ maxDepth: 3 }),
      printable(200),
      fc.dictionary(
        fc.constantFrom(
          'email',
          'password',
          'currentPassword',
          'newPassword',
          'name',
          'scopes',
          'role',
          'code',
          'mfaToken',
          'refreshToken',
          'flowId',
          'response',
        ),
        fc.oneof(
          printable(80),
          fc.integer(),
          fc.boolean(),
          fc.constant(null),
          fc.array(printable(20), { maxLength: 3 }),
        ),
      ),
    );
    const request = fc.record({
      operation: fc.integer({ min: 0, max: 10_000 }),
      parameter,
      body,
      contentType: fc.constantFrom('application/json', 'text/plain', 'application/json; charset=utf-16', 'nonsense'),
      signedIn: fc.boolean(),
      tenantHeader: fc.option(parameter, { nil: undefined }),
    });

    await fc.assert(
      fc.asyncProperty(request, async (input) => {
        const operation = operations[input.operation % operations.length] as Operation;
        const url = operation.path.replace(/\{[^}]+\}/g, () => encodeURIComponent(input.parameter()));
        const headers: Record<string, string> = { 'content-type': input.contentType };
        if (input.signedIn) Object.assign(headers, await asPrincipal(member));
        if (input.tenantHeader) headers['x-tenant-id'] = input.tenantHeader();
        const options: InjectOptions = { method: operation.method as InjectOptions['method'], url, headers };
        if (input.body !== undefined && operation.method !== 'GET' && operation.method !== 'DELETE') {
          options.payload = typeof input.body === 'string' ? input.body : JSON.stringify(input.body);
        }
        const response = await harness.app.inject(options);
        assert.ok(
          response.statusCode < 500,
          `${operation.method} ${url} answered ${response.statusCode}: ${response.body}`,
        );
        if (response.statusCode >= 400) {
          const error = response.json().error;
          assert.equal(typeof error?.code, 'string', `${operation.method} ${url}: ${response.body}`);
          assert.equal(typeof error?.message, 'string');
          assert.doesNotMatch(response.body, /\n\s+at /, 'no stack trace');
        }
      }),
      { numRuns: 500 },
    );
  });
});
