import { accessSync, constants, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export class MissingBinaryError extends Error {
  readonly code = 'ERR_AUTHSCALE_MISSING_BINARY';
  constructor(binary: string, install: string) {
    super(`${binary} was not found. Install it with:\n\n    ${install}\n`);
    this.name = 'MissingBinaryError';
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Finds `name` on PATH or in `extraDirs`; fails at once with the command that installs it. */
export function findBinary(
  name: string,
  { install, extraDirs = [] }: { install: string; extraDirs?: string[] },
): string {
  const dirs = [...extraDirs, ...(process.env.PATH ?? '').split(delimiter)];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    if (dir && isExecutable(candidate)) return candidate;
  }
  throw new MissingBinaryError(name, install);
}

/** Debian keeps server binaries under /usr/lib/postgresql/<major>/bin, newest first. */
export function postgresBinDirs(): string[] {
  const root = '/usr/lib/postgresql';
  try {
    return readdirSync(root)
      .filter((entry) => /^\d+$/.test(entry))
      .sort((a, b) => Number(b) - Number(a))
      .map((major) => join(root, major, 'bin'));
  } catch {
    return [];
  }
}
