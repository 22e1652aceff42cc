export type { IdentityTestDatabase } from './create-identity-test-database.ts';
export { createIdentityTestDatabase } from './create-identity-test-database.ts';
