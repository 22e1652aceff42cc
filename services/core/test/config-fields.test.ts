import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type TSchema, Type } from 'typebox';
import {
  ConfigError,
  cidr,
  cidrList,
  durationMs,
  durationSeconds,
  httpUrl,
  httpUrlList,
  loadConfig,
  origin,
  originList,
  redisUrl,
  redisUrlList,
  sharedConfigFields,
} from '../src/index.ts';

/** Whether `loadConfig` accepts `value` (a string from the environment) for a setting of this schema. */
function accepts(field: TSchema, value: string): boolean {
  try {
    loadConfig({ scope: 'test', schema: Type.Object({ SETTING: field }), values: { SETTING: value } });
    return true;
  } catch (error) {
    if (error instanceof ConfigError) return false;
    throw error;
  }
}

function assertAccepts(field: TSchema, good: readonly string[], bad: readonly string[]) {
  for (const value of good) assert.ok(accepts(field, value), `refused ${value}`);
  for (const value of bad) assert.ok(!accepts(field, value), `accepted ${value}`);
}

describe('config field builders', () => {
  it('httpUrl takes a base URL with an optional path, never a query, a fragment or another scheme', () => {
    assertAccepts(
      httpUrl(),
      ['http://127.0.0.1:8082', 'https://orchestrator.internal/base', 'http://session:8081/'],
      ['orchestrator:8082', 'ftp://host', 'https://host/path?x=1', 'https://host/#top', 'http://a b'],
    );
  });

  it('origin takes a scheme and a host only', () => {
    assertAccepts(
      origin(),
      ['https://auth.example.com', 'http://localhost:8080'],
      ['https://auth.example.com/', 'https://auth.example.com/login', 'auth.example.com'],
    );
  });

  it('redisUrl takes redis:// and rediss:// only', () => {
    assertAccepts(
      redisUrl(),
      ['redis://127.0.0.1:7001', 'rediss://clustercfg.x.cache.amazonaws.com:6379'],
      ['http://127.0.0.1:7001', '127.0.0.1:7001'],
    );
  });

  it('cidr takes an IPv4 or IPv6 network with its prefix length, nothing else', () => {
    assertAccepts(
      cidr(),
      ['203.0.113.7/32', '10.0.0.0/8', '0.0.0.0/0', '2001:db8::/48', '::1/128'],
      ['203.0.113.7', '256.0.0.1/32', '10.0.0.0/33', '2001:db8::/129', 'example.com/32', '10.0.0.0/8 '],
    );
    assertAccepts(cidrList(), ['203.0.113.7/32,198.51.100.0/24'], ['203.0.113.7/32,203.0.113.8']);
  });

  it('list builders split comma lists and check every item', () => {
    assertAccepts(
      httpUrlList(),
      ['http://a:1', 'http://a:1, http://b:2', 'http://a:1,'],
      ['', ',', 'http://a:1,b:2', 'http://a:1 http://b:2'],
    );
    assertAccepts(redisUrlList(), ['redis://a:1,redis://b:2'], ['redis://a:1,http://b:2']);
    assertAccepts(originList(), ['https://a.example,https://b.example'], ['https://a.example,https://b.example/']);
  });

  it('durations are whole, non-negative numbers within the given range', () => {
    assertAccepts(durationMs({ minimum: 10, maximum: 100 }), ['10', '100'], ['9', '101', '10.5', 'ten', 'true']);
    assertAccepts(durationSeconds(), ['0', '86400'], ['-1', '1.5']);
    const schema = Type.Object({
      WAIT_MS: durationMs({ default: 250 }),
      TTL_SECONDS: durationSeconds({ default: 60 }),
    });
    assert.deepEqual(loadConfig({ scope: 'test', schema, values: {} }), { WAIT_MS: 250, TTL_SECONDS: 60 });
  });
});

describe('sharedConfigFields', () => {
  it('PUBLIC_ORIGIN is an origin, INTERNAL_API_TOKEN at least 32 characters', () => {
    assertAccepts(sharedConfigFields.PUBLIC_ORIGIN, ['https://auth.example.com'], ['https://auth.example.com/x', 'x']);
    assertAccepts(sharedConfigFields.INTERNAL_API_TOKEN, ['x'.repeat(32)], ['x'.repeat(31)]);
  });

  it("a shared secret's previous and next values are checked as the current one, and optional", () => {
    for (const name of [
      'INTERNAL_API_TOKEN_PREVIOUS',
      'INTERNAL_API_TOKEN_NEXT',
      'PRINCIPAL_ASSERTION_KEY',
      'PRINCIPAL_ASSERTION_KEY_PREVIOUS',
      'PRINCIPAL_ASSERTION_KEY_NEXT',
    ] as const) {
      const field = sharedConfigFields[name];
      assertAccepts(field, ['x'.repeat(32)], ['x'.repeat(31)]);
      const schema = Type.Object({ [name]: field });
      assert.deepEqual(loadConfig({ scope: 'test', schema, values: {} }), {}, name);
    }
  });

  it('SESSION_REPLICAS is a list of base URLs, TRUST_PROXY_HOPS a count', () => {
    const schema = Type.Object({
      SESSION_REPLICAS: sharedConfigFields.SESSION_REPLICAS,
      TRUST_PROXY_HOPS: sharedConfigFields.TRUST_PROXY_HOPS,
    });
    assert.deepEqual(
      loadConfig({ scope: 'test', schema, values: { SESSION_REPLICAS: 'http://a:8081,http://b:8081' } }),
      { SESSION_REPLICAS: ['http://a:8081', 'http://b:8081'], TRUST_PROXY_HOPS: 0 },
    );
    assertAccepts(sharedConfigFields.TRUST_PROXY_HOPS, ['0', '2'], ['true', '-1', '11']);
  });
});
