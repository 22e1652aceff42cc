import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type JsonSchema, type ServiceName, serviceConfigSchemas } from './service-config-schemas.ts';

/**
 * The services' settings as one vocabulary (docs/deploy.md, "Naming settings"), checked on the
 * schemas the services validate their environment with. The deployment sets a shared setting once
 * for every service that reads it, so the services must agree on what it means.
 */

/** Settings declared once in core whose default each service sets for itself. */
const perServiceDefaults = new Set(['PORT']);

/** Words that make a setting a duration, whose name must then carry its unit. */
const durationWords = new Set([
  'TTL',
  'TIMEOUT',
  'INTERVAL',
  'DEADLINE',
  'DELAY',
  'LIFETIME',
  'AGE',
  'WINDOW',
  'GRACE',
]);

interface Setting {
  readonly service: ServiceName;
  readonly name: string;
  readonly schema: JsonSchema;
  readonly required: boolean;
}

function allSettings(): Setting[] {
  return Object.entries(serviceConfigSchemas()).flatMap(([service, { properties, required = [] }]) =>
    Object.entries(properties).map(([name, schema]) => ({
      service: service as ServiceName,
      name,
      schema,
      required: required.includes(name),
    })),
  );
}

/** JSON with sorted keys, so two schemas compare by content, not by the order they were written in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([key, child]) => `${JSON.stringify(key)}:${canonical(child)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

describe('the settings vocabulary', () => {
  test('a setting read by several services has one schema everywhere', () => {
    const byName = new Map<string, Setting[]>();
    for (const setting of allSettings()) byName.set(setting.name, [...(byName.get(setting.name) ?? []), setting]);
    const shared = [...byName].filter(([name, settings]) => settings.length > 1 && !perServiceDefaults.has(name));
    assert.ok(shared.length > 5, 'the services share settings, so this test compares something');
    for (const [name, settings] of shared) {
      const forms = new Set(settings.map(({ schema, required }) => canonical({ schema, required })));
      assert.equal(
        forms.size,
        1,
        `${name} is declared differently by ${settings.map(({ service }) => service).join(', ')}; declare it once in sharedConfigFields`,
      );
    }
  });

  test('a duration names its unit, _MS or _SECONDS, and is a whole non-negative number', () => {
    for (const { service, name, schema } of allSettings()) {
      const words = name.split('_');
      const unit = name.endsWith('_MS') || name.endsWith('_SECONDS');
      assert.doesNotMatch(name, /_(S|SEC|SECS|MIN|MINS|MINUTES|H|HOURS|DAYS|MILLIS)$/, `${service} ${name}`);
      if (words.some((word) => durationWords.has(word))) assert.ok(unit, `${service} ${name} names no unit`);
      if (unit) {
        assert.equal(schema.type, 'integer', `${service} ${name}`);
        assert.ok((schema.minimum ?? -1) >= 0, `${service} ${name} may be negative`);
      }
    }
  });

  test('a list is an array (comma-separated in the environment) with a plural name', () => {
    const lists = allSettings().filter(({ schema }) => schema.type === 'array');
    assert.ok(lists.some(({ name }) => name === 'SESSION_REPLICAS'));
    for (const { service, name } of lists) assert.match(name, /S$/, `${service} ${name}`);
  });

  test('a switch is a boolean (true or false), never on/off or yes/no', () => {
    const switchWords = new Set(['on', 'off', 'yes', 'no', 'enabled', 'disabled', 'true', 'false']);
    for (const { service, name, schema } of allSettings()) {
      const literals = (schema.anyOf ?? []).map((option) => option.const);
      assert.ok(
        !literals.some((literal) => typeof literal === 'string' && switchWords.has(literal)),
        `${service} ${name} spells a switch as ${literals.join('/')}`,
      );
    }
  });

  test('the near caches are named by their owner', () => {
    const names = (service: ServiceName) => Object.keys(serviceConfigSchemas()[service].properties);
    assert.deepEqual(
      names('edge').filter((name) => name.includes('NEAR_CACHE')),
      ['EDGE_NEAR_CACHE_MAX_AGE_MS', 'EDGE_NEAR_CACHE_MAX_ENTRIES'],
    );
    assert.ok(names('session').every((name) => !name.includes('NEAR_CACHE') || name.startsWith('SESSION_NEAR_CACHE')));
  });
});
