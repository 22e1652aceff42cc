import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { toolCache } from './tool-cache.ts';

export interface GoTool {
  /** The cache folder's name, and what the messages call it. */
  name: string;
  /** The package `go install` builds, e.g. `go.k6.io/k6`. */
  pkg: string;
  version: string;
  /** The file `go install` writes: the last element of `pkg`. */
  binary: string;
}

/**
 * The path of a Go command-line tool at its version, built once from the Go module proxy with
 * `go install` and kept outside the checkout (`toolCache`). Exits with a message when Go is missing,
 * since nothing else can build it.
 */
export function ensureGoTool({ name, pkg, version, binary }: GoTool): string {
  const path = join(toolCache(name, version), binary);
  if (existsSync(path)) return path;
  if (spawnSync('go', ['version'], { stdio: 'ignore' }).status !== 0) {
    console.error(`Go is needed to build ${name} once (https://go.dev/doc/install).`);
    process.exit(1);
  }
  console.log(`building ${name} ${version}`);
  execFileSync('go', ['install', `${pkg}@${version}`], {
    stdio: 'inherit',
    env: { ...process.env, GOBIN: dirname(path) },
  });
  return path;
}
