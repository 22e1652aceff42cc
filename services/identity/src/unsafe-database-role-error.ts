import { ConfigError } from '@authscale/core';

/** The service's database role could read past row-level security: a deployment mistake. */
export class UnsafeDatabaseRoleError extends ConfigError {
  constructor(problems: readonly string[]) {
    super('identity: the database role is unsafe for serving requests', problems);
    this.name = 'UnsafeDatabaseRoleError';
  }
}
