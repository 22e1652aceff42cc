import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where a command-line tool this repository builds or installs for itself (k6, cfn-lint) is kept,
 * one folder per version, outside the checkout so a fresh clone reuses it.
 */
export function toolCache(tool: string, version: string): string {
  return join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'authscale', `${tool}-${version}`);
}
