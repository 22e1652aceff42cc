import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Where the peers are installed, outside the npm workspace and its lockfile: `.authscale/peers/`
 * in the repository (gitignored), or `BENCH_PEERS_DIR`. Kept between runs, so a second run
 * downloads nothing.
 */
export function peerCacheDir(): string {
  const dir = process.env.BENCH_PEERS_DIR ?? fileURLToPath(new URL('../../../.authscale/peers/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  return dir;
}
