import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, isLoopbackOrigin, refuseInsecureSettingsOffLoopback } from '../src/index.ts';

describe('insecure opt-outs only on loopback', () => {
  it('knows loopback origins', () => {
    for (const origin of ['http://localhost:8080', 'http://127.0.0.1:8080', 'http://127.1.2.3', 'http://[::1]:8080']) {
      assert.equal(isLoopbackOrigin(origin), true, origin);
    }
    for (const origin of [
      'https://auth.example.com',
      'http://localhost.example.com',
      'http://10.0.0.1',
      'http://128.0.0.1',
    ]) {
      assert.equal(isLoopbackOrigin(origin), false, origin);
    }
  });

  it('refuses every INSECURE_* switched on unless the public origin is loopback', () => {
    const deployed = {
      PUBLIC_ORIGIN: 'https://auth.example.com',
      INSECURE_LOCAL_HTTP_COOKIES: true,
      INSECURE_EPHEMERAL_SIGNING_KEY: true,
    };
    assert.throws(
      () => refuseInsecureSettingsOffLoopback('orchestrator', deployed),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.problems.length === 2 &&
        error.problems.every((problem) => /only for a loopback PUBLIC_ORIGIN/.test(problem)),
    );
    const laptop = { ...deployed, PUBLIC_ORIGIN: 'http://localhost:8080' };
    assert.equal(refuseInsecureSettingsOffLoopback('orchestrator', laptop), laptop);
    const secure = { ...deployed, INSECURE_LOCAL_HTTP_COOKIES: false, INSECURE_EPHEMERAL_SIGNING_KEY: false };
    assert.equal(refuseInsecureSettingsOffLoopback('orchestrator', secure), secure);
  });
});
