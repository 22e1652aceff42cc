/**
 * What a load-test window changes in the services, locally as on AWS: the edge's per-IP and
 * per-account sign-in limits, raised so that a few load generators (a few addresses) measure
 * sign-in, sessions and tokens rather than the rate limiter. The limiter still runs on every request.
 */
export const loadTestRateLimits = Object.freeze({
  RATE_LIMIT_PER_IP_MAX: '1000000000',
  RATE_LIMIT_SIGN_IN_MAX: '1000000',
});

import type { Profile } from '../../load-tests/profiles.ts';

export { type Profile, profiles } from '../../load-tests/profiles.ts';

/** Profiles that sign in as prepared users: a local run seeds them in bulk before k6 starts. */
export const seededProfiles: readonly Profile[] = ['read-heavy', 'login-storm', 'refresh-rotation', 'failover'];

/** The password of every seeded user, and the one the profiles sign in with (`LOAD_TEST_PASSWORD`). */
export const loadTestPassword = process.env.LOAD_TEST_PASSWORD ?? 'load-test correct horse battery';
