import { AuthError } from '@authscale/core';
import type { CeremonyDependencies } from './ceremony-dependencies.ts';

/** The tenant a sign-in lands in: the user's first membership. */
export async function defaultTenantOf(identity: CeremonyDependencies['identity'], userId: string): Promise<string> {
  const tenantId = await identity.memberships.defaultTenant({ userId });
  if (!tenantId) throw new AuthError('invalid_credentials');
  return tenantId;
}
