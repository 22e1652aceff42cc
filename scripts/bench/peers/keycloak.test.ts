import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeHashing } from './keycloak.ts';

describe("Keycloak's stored credential", () => {
  it('names the hash and every parameter the server applied', () => {
    const data = JSON.stringify({
      hashIterations: 5,
      algorithm: 'argon2',
      additionalParameters: { hashLength: ['32'], memory: ['7168'], type: ['id'] },
    });
    assert.equal(describeHashing(data), 'argon2, iterations=5, hashLength=32, memory=7168, type=id');
  });

  it('is null for data it cannot read', () => {
    assert.equal(describeHashing(undefined), null);
    assert.equal(describeHashing('not json'), null);
  });
});
