import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Type } from 'typebox';
import { ConfigError, loadConfig, serviceConfigFields } from '../src/index.ts';

const schema = Type.Object({ ...serviceConfigFields(9000), FEATURE: Type.Boolean({ default: true }) });
const listSchema = Type.Object({
  REQUIRED_URLS: Type.Array(Type.String({ pattern: '^https?://' }), { minItems: 1 }),
  OPTIONAL_URLS: Type.Optional(Type.Array(Type.String({ pattern: '^https?://' }), { minItems: 1 })),
  KEYS: Type.Array(Type.String(), { default: [] }),
  NAME: Type.String({ default: 'a,b' }),
});

describe('loadConfig', () => {
  it('applies defaults and converts environment strings', () => {
    const config = loadConfig({ scope: 'test', schema, values: { PORT: '1234', FEATURE: 'false' } });
    assert.deepEqual(config, { HOST: '127.0.0.1', PORT: 1234, LOG_LEVEL: 'info', FEATURE: false });
  });

  it('treats empty strings as unset', () => {
    assert.equal(loadConfig({ scope: 'test', schema, values: { PORT: '' } }).PORT, 9000);
  });

  it('freezes the result', () => {
    const config = loadConfig({ scope: 'test', schema, values: {} });
    assert.ok(Object.isFrozen(config));
    assert.throws(() => {
      (config as { PORT: number }).PORT = 1;
    }, TypeError);
  });

  it('lists every problem in one ConfigError prefixed with the scope', () => {
    assert.throws(
      () => loadConfig({ scope: 'edge', schema, values: { PORT: 'eighty', LOG_LEVEL: 'loud' } }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.message.startsWith('edge: invalid configuration') &&
        error.problems.some((problem) => problem.startsWith('PORT')) &&
        error.problems.some((problem) => problem.startsWith('LOG_LEVEL')),
    );
  });

  it('splits comma lists for array settings: trimmed, empty items dropped', () => {
    const config = loadConfig({
      scope: 'test',
      schema: listSchema,
      values: { REQUIRED_URLS: ' http://a:1, http://b:2,,', KEYS: 'k1:x', NAME: 'c,d' },
    });
    assert.deepEqual(config, { REQUIRED_URLS: ['http://a:1', 'http://b:2'], KEYS: ['k1:x'], NAME: 'c,d' });
  });

  it('passes arrays through, and treats an unset or empty list as absent', () => {
    const config = loadConfig({
      scope: 'test',
      schema: listSchema,
      values: { REQUIRED_URLS: ['http://a:1'], OPTIONAL_URLS: '', KEYS: undefined },
    });
    assert.deepEqual(config, { REQUIRED_URLS: ['http://a:1'], KEYS: [], NAME: 'a,b' });
    assert.ok(Object.isFrozen(config.REQUIRED_URLS));
  });

  it('checks every item of a list, and refuses a list of commas only', () => {
    for (const values of [{ REQUIRED_URLS: 'http://a:1,ftp://b' }, { REQUIRED_URLS: ' , ' }, {}]) {
      assert.throws(
        () => loadConfig({ scope: 'test', schema: listSchema, values }),
        (error: unknown) => error instanceof ConfigError && error.problems.some((p) => p.includes('REQUIRED_URLS')),
        JSON.stringify(values),
      );
    }
  });

  it('refuses a retired setting, naming what replaced it, and ignores retired names left unset', () => {
    const retired = { OLD_TTL_S: 'NEW_TTL_SECONDS' };
    assert.throws(
      () => loadConfig({ scope: 'session', schema, values: { OLD_TTL_S: '60' }, retired }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.problems.includes('OLD_TTL_S: no longer read; set NEW_TTL_SECONDS instead'),
    );
    assert.equal(loadConfig({ scope: 'session', schema, values: { OLD_TTL_S: '' }, retired }).PORT, 9000);
  });

  it('reads a boolean only as true or false, and an integer only as whole digits', () => {
    for (const values of [
      { FEATURE: '1' },
      { FEATURE: 'on' },
      { FEATURE: 'TRUE' },
      { PORT: '80.5' },
      { PORT: 'true' },
    ]) {
      const [name, value] = Object.entries(values)[0] as [string, string];
      assert.throws(
        () => loadConfig({ scope: 'test', schema, values }),
        (error: unknown) =>
          error instanceof ConfigError && error.problems.some((problem) => problem.startsWith(`${name}: must be`)),
        value,
      );
    }
    assert.equal(loadConfig({ scope: 'test', schema, values: { PORT: 80 } }).PORT, 80);
  });
});
