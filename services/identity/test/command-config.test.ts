import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '@authscale/core';
import { loadMigrationConfig, loadProvisionConfig } from '../src/command-config.ts';

describe('the identity commands read their settings once', () => {
  it('provision needs both role passwords and defaults the database name', () => {
    assert.throws(
      () => loadProvisionConfig({ OWNER_ROLE_PASSWORD: '', APP_ROLE_PASSWORD: 'a' }),
      (error: unknown) => error instanceof ConfigError && /OWNER_ROLE_PASSWORD/.test(error.message),
    );
    assert.deepEqual(
      loadProvisionConfig({ OWNER_ROLE_PASSWORD: 'o', APP_ROLE_PASSWORD: 'a', ADMIN_DATABASE_URL: '' }),
      {
        IDENTITY_DATABASE: 'authscale',
        OWNER_ROLE_PASSWORD: 'o',
        APP_ROLE_PASSWORD: 'a',
        RESET_ROLE_PASSWORDS: false,
      },
    );
  });

  it('migrate needs nothing: the PG* variables or MIGRATION_DATABASE_URL, and the app password if given', () => {
    assert.deepEqual(loadMigrationConfig({}), {});
    assert.deepEqual(loadMigrationConfig({ MIGRATION_DATABASE_URL: 'postgres://owner@db/authscale' }), {
      MIGRATION_DATABASE_URL: 'postgres://owner@db/authscale',
    });
  });
});
