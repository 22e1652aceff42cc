import { ensureSystemPackages, MissingSystemPackagesError, type SystemPackageName } from '@authscale/testkit';

/**
 * Installs the system packages a command needs when this user may (testkit's
 * `ensureSystemPackages`); otherwise prints the one command that installs them and exits 1.
 */
export function preflight(packages: readonly SystemPackageName[]): void {
  try {
    ensureSystemPackages(packages);
  } catch (error) {
    if (!(error instanceof MissingSystemPackagesError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
