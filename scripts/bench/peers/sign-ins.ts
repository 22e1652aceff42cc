import { performance } from 'node:perf_hooks';
import { median } from '../measure.ts';

/** Sign-ins timed one at a time, after one untimed (which warms the path), for their median. */
export const timedSignIns = 5;

/**
 * Runs `signIn` once untimed, then `timedSignIns` times one at a time: the median wall time of a
 * password sign-in (ms) and the last sign-in's result.
 */
export async function medianSignIn<T>(signIn: () => Promise<T>): Promise<{ ms: number; last: T }> {
  let last = await signIn();
  const times: number[] = [];
  for (let index = 0; index < timedSignIns; index++) {
    const start = performance.now();
    last = await signIn();
    times.push(performance.now() - start);
  }
  return { ms: median(times), last };
}

/** Every cookie an answer sets, as one Cookie header (`name=value; name=value`). */
export function cookiesOf(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((header) => header.split(';')[0] as string)
    .join('; ');
}

/** Merges two Cookie headers; a cookie of `later` replaces one of the same name in `earlier`. */
export function mergeCookies(earlier: string, later: string): string {
  const jar = new Map<string, string>();
  for (const pair of [...earlier.split('; '), ...later.split('; ')]) {
    if (pair) jar.set(pair.slice(0, pair.indexOf('=')), pair);
  }
  return [...jar.values()].join('; ');
}
