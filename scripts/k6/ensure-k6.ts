import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { toolCache } from '../tool-cache.ts';

/** The k6 every runner uses (`npm run smoke`, `npm run loadtest`), as CI builds it. */
export const k6Version = 'v1.8.1';

/**
 * The path of k6 at `k6Version`, built once from the Go module proxy and kept outside the checkout.
 * Exits with a message when Go is missing, since nothing else can build it.
 */
export function ensureK6(): string {
  const k6 = join(toolCache('k6', k6Version), 'k6');
  if (existsSync(k6)) return k6;
  if (spawnSync('go', ['version'], { stdio: 'ignore' }).status !== 0) {
    console.error('Go is needed to build k6 once (https://go.dev/doc/install).');
    process.exit(1);
  }
  console.log(`building k6 ${k6Version}`);
  execFileSync('go', ['install', `go.k6.io/k6@${k6Version}`], {
    stdio: 'inherit',
    env: { ...process.env, GOBIN: dirname(k6) },
  });
  return k6;
}
