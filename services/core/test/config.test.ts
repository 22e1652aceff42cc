import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Type } from 'typebox';
import { ConfigError, loadConfig, serviceConfigFields } from '../src/index.ts';

const schema = Type.Object({ ...serviceConfigFields(9000), FEATURE: Type.Boolean({ default: true }) });

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
});
