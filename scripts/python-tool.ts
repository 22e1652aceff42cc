import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ensureSystemPackages } from '@authscale/testkit';
import { toolCache } from './tool-cache.ts';

/**
 * The executable `name` of the PyPI package of that name at that version, from a virtual
 * environment that holds that one package, created the first time (cfn-lint, checkov, Schemathesis).
 */
export function pythonTool(name: string, version: string): string {
  const venv = toolCache(name, version);
  const executable = join(venv, 'bin', name);
  if (!existsSync(executable)) {
    const run = (command: string, args: string[]) => execFileSync(command, args, { stdio: 'inherit' });
    ensureSystemPackages(['python3-venv']);
    run('python3', ['-m', 'venv', venv]);
    run(join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', `${name}==${version}`]);
  }
  return executable;
}
