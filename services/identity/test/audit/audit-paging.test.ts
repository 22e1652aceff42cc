import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sharedServers } from '@authscale/testkit';
import { createIdentity, type Identity } from '../../src/index.ts';
import { createIdentityTestDatabase, type IdentityTestDatabase } from '../../src/testing/index.ts';

/**
 * Ids leave Postgres as text (a bigint does not fit a JS number); the pages must still follow the
 * numbers, across a change in the count of digits (9, 10, ...), or a cursor skips and repeats rows.
 */
describe('audit pages in id order', () => {
  let database: IdentityTestDatabase;
  let app: Identity;
  let operators: Identity;
  let tenantId: string;

  before(async () => {
    database = await createIdentityTestDatabase((await sharedServers()).postgres.url);
    app = createIdentity({ databaseUrl: database.appUrl });
    operators = createIdentity({ databaseUrl: database.operatorUrl });
    const signedUp = await app.users.signUpWithPassword({ email: 'pages@example.com', passwordHash: 'x' });
    assert.ok(signedUp.created);
    tenantId = signedUp.tenantId;
    for (let n = 0; n < 25; n++) await app.audit.record({ type: 'tenant.created', tenantId, detail: { n } });
  });
  after(async () => {
    await Promise.all([app.close(), operators.close()]);
    await database.drop();
  });

  it("a tenant's trail, newest first, page after page", async () => {
    const seen: number[] = [];
    let beforeId: string | undefined;
    for (;;) {
      const page = await app.withTenant(tenantId, (scope) =>
        scope.auditEvents.list({ limit: 4, ...(beforeId ? { before: beforeId } : {}) }),
      );
      if (page.length === 0) break;
      seen.push(...page.map((event) => Number(event.id)));
      beforeId = page.at(-1)?.id;
    }
    assert.equal(seen.length, 25);
    assert.deepEqual(
      seen,
      [...seen].sort((a, b) => b - a),
    );
  });

  it('the operator export, oldest first, page after page', async () => {
    const seen: number[] = [];
    let afterId: string | undefined;
    for (;;) {
      const page = await operators.operators.exportAudit({
        limit: 4,
        settleSeconds: 0,
        ...(afterId ? { after: afterId } : {}),
      });
      if (page.length === 0) break;
      seen.push(...page.map((event) => Number(event.id)));
      afterId = page.at(-1)?.id;
    }
    assert.ok(seen.length >= 25);
    assert.deepEqual(
      seen,
      [...seen].sort((a, b) => a - b),
    );
  });
});
