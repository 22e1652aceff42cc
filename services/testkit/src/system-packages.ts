import { execFileSync, spawnSync } from 'node:child_process';
import { findBinary, MissingBinaryError, postgresBinDirs } from './find-binary.ts';

/** The Debian packages the test harness and the local topology run, and how each is recognised. */
const systemPackages = {
  'redis-server': { provides: 'redis-server', extraDirs: () => ['/usr/bin', '/usr/local/bin'] },
  postgresql: { provides: 'initdb', extraDirs: postgresBinDirs },
  // The demo page's browser test drives Debian's Chromium; a browser is never downloaded.
  chromium: { provides: 'chromium', extraDirs: () => ['/usr/bin'] },
  // The same test serves its OpenID provider over https with a certificate openssl makes.
  openssl: { provides: 'openssl', extraDirs: () => ['/usr/bin'] },
  // The fault-injection suite skews one service's clock with libfaketime (LD_PRELOAD).
  faketime: { provides: 'faketime', extraDirs: () => ['/usr/bin'] },
  // cfn-lint runs from a virtual environment of its own.
  'python3-venv': {
    provides: 'python3',
    extraDirs: () => ['/usr/bin'],
    check: ['python3', '-c', 'import ensurepip, venv'],
  },
} as const satisfies Record<string, { provides: string; extraDirs: () => string[]; check?: readonly string[] }>;

export type SystemPackageName = keyof typeof systemPackages;

export class MissingSystemPackagesError extends Error {
  readonly code = 'ERR_AUTHSCALE_MISSING_SYSTEM_PACKAGES';
  readonly packages: readonly SystemPackageName[];
  readonly command: string;
  constructor(packages: readonly SystemPackageName[], command: string) {
    super(`missing system packages: ${packages.join(', ')}. Install them with:\n\n    ${command}\n`);
    this.name = 'MissingSystemPackagesError';
    this.packages = packages;
    this.command = command;
  }
}

function isInstalled(name: SystemPackageName): boolean {
  const { provides, extraDirs, ...rest } = systemPackages[name];
  try {
    findBinary(provides, { install: name, extraDirs: extraDirs() });
  } catch (error) {
    if (error instanceof MissingBinaryError) return false;
    throw error;
  }
  const check = 'check' in rest ? rest.check : undefined;
  return !check || spawnSync(check[0] as string, check.slice(1), { stdio: 'ignore' }).status === 0;
}

/** The packages of `required` this machine lacks. */
export function missingSystemPackages(required: readonly SystemPackageName[]): SystemPackageName[] {
  return required.filter((name) => !isInstalled(name));
}

/** Who this process is, as far as installing with apt-get goes. */
export interface Installer {
  aptGet: boolean;
  root: boolean;
  passwordlessSudo: boolean;
}

function thisInstaller(): Installer {
  const succeeds = (command: string, args: string[]) => spawnSync(command, args, { stdio: 'ignore' }).status === 0;
  const root = process.getuid?.() === 0;
  return {
    aptGet: succeeds('apt-get', ['--version']),
    root,
    passwordlessSudo: !root && succeeds('sudo', ['-n', 'true']),
  };
}

/**
 * What installing `missing` takes: the apt-get command lines to run, when this process is root or
 * may use sudo without a password; otherwise only the one command to print for the user.
 */
export function installPlan(
  missing: readonly SystemPackageName[],
  { aptGet, root, passwordlessSudo }: Installer,
): { run: string[][]; command: string } {
  const command = `sudo apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (missing.length === 0 || !aptGet || !(root || passwordlessSudo)) return { run: [], command };
  const prefix = [...(root ? [] : ['sudo', '-n']), 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get'];
  return {
    run: [
      [...prefix, 'update', '-qq'],
      [...prefix, 'install', '-y', '-qq', '--no-install-recommends', ...missing],
    ],
    command,
  };
}

/**
 * Installs whatever of `required` is missing with apt-get, when this process is root or may use
 * sudo without a password; otherwise throws `MissingSystemPackagesError` naming the one command
 * to run. A machine that has them all is left untouched.
 */
export function ensureSystemPackages(
  required: readonly SystemPackageName[],
  { log = (line: string) => console.log(line) }: { log?: (line: string) => void } = {},
): void {
  const missing = missingSystemPackages(required);
  if (missing.length === 0) return;
  const { run, command } = installPlan(missing, thisInstaller());
  if (run.length === 0) throw new MissingSystemPackagesError(missing, command);
  log(`installing the system packages this needs: ${missing.join(', ')} (apt-get)`);
  for (const [program, ...args] of run)
    execFileSync(program as string, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  const stillMissing = missingSystemPackages(missing);
  if (stillMissing.length > 0) throw new MissingSystemPackagesError(stillMissing, command);
}
