// The users a profile signs in as: the ones `npm run loadtest:seed` wrote to SEED_FILE (many, made
// in bulk, each with a live session and a refresh token), or a few signed up over HTTP in setup().
import { SharedArray } from 'k6/data';
import { login, signup, uniqueEmail } from './auth.js';

// One copy for every VU. Each entry: { email, userId, cookie, refreshToken }.
const seeded = new SharedArray('seeded users', () => (__ENV.SEED_FILE ? JSON.parse(open(__ENV.SEED_FILE)).users : []));

/**
 * For setup(): nothing when a seed file was given (every VU reads `seeded` itself), otherwise
 * `count` users signed up and signed in through the public contract, the slow way.
 */
export function prepareUsers(count, prefix) {
  if (seeded.length > 0) return { users: null };
  const users = [];
  for (let i = 0; i < count; i++) {
    const email = uniqueEmail(prefix);
    const { userId } = signup(email);
    const session = login(email);
    if (!session?.cookieHeader) throw new Error(`${email} could not sign in; is the target running?`);
    users.push({ email, userId, cookie: session.cookieHeader, refreshToken: session.refreshToken });
  }
  return { users };
}

/** The users of this run: setup()'s own, or the seeded ones. */
export function usersOf(data) {
  return data.users ?? seeded;
}
