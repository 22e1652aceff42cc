import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { eventCatalogue, eventSchemas, eventTypes } from '../../src/index.ts';

const committed = new URL('../../../../docs/events.json', import.meta.url);

/** The published event schemas: one per catalogued type, generated from the catalogue alone. */
describe('the event schemas', () => {
  const document = {
    $comment:
      'Generated from services/identity/src/events/event-catalogue.ts by `npm run openapi`; see docs/events.md.',
    events: eventSchemas(),
  };

  it('publish every catalogued type with its version, and nothing else', () => {
    assert.deepEqual(Object.keys(document.events).sort(), [...eventTypes].sort());
    for (const type of eventTypes) {
      assert.equal(document.events[type].$id, `${type}.v${eventCatalogue[type].version}`);
      assert.equal(document.events[type].properties.data.additionalProperties, false, `${type} names its fields`);
    }
  });

  it('carry an address in user.email_verified alone', () => {
    const withEmail = eventTypes.filter((type) => 'email' in document.events[type].properties.data.properties);
    assert.deepEqual(withEmail, ['user.email_verified']);
  });

  it('are committed under docs/ as generated (npm run openapi rewrites them)', () => {
    const current = `${JSON.stringify(document, null, 2)}\n`;
    if (process.env.AUTHSCALE_WRITE_OPENAPI === 'true') writeFileSync(committed, current);
    assert.equal(readFileSync(committed, 'utf8'), current, 'docs/events.json is stale: run npm run openapi');
  });
});
