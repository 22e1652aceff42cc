import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { javaMajor } from './java-runtime.ts';

describe('javaMajor', () => {
  it('reads the major version of modern and legacy version strings', () => {
    assert.equal(javaMajor('openjdk version "25.0.1" 2025-10-21 LTS\nOpenJDK Runtime Environment Temurin'), 25);
    assert.equal(javaMajor('openjdk version "17.0.13" 2024-10-15'), 17);
    assert.equal(javaMajor('openjdk version "21" 2023-09-19'), 21);
    assert.equal(javaMajor('java version "1.8.0_412"'), 8);
    assert.equal(javaMajor('no java here'), null);
  });
});
