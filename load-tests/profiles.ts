/**
 * The profiles in `load-tests/`, each a script of that name: shared by the local runner
 * (`npm run loadtest`) and the AWS load-test stack, which run the same scripts.
 */
export const profiles = ['smoke', 'read-heavy', 'login-storm', 'refresh-rotation', 'failover'] as const;
export type Profile = (typeof profiles)[number];
