/**
 * `npm run synth`: synthesizes every environment offline into `cdk.out/<environment>` (cdk-nag runs
 * as an Aspect, so a finding fails here), then runs cfn-lint over every template. It synthesizes with
 * the documented test values (`infra/config/test-deployment-targets.ts`), never a team's own. cfn-lint is
 * installed once, at the version below, into a virtual environment of its own.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureSystemPackages } from '@authscale/testkit';
import { toolCache } from './tool-cache.ts';

const environments = ['dev', 'staging', 'prod'] as const;
const cfnLintVersion = '1.58.0';
const run = (command: string, args: string[]) => execFileSync(command, args, { stdio: 'inherit' });

rmSync('cdk.out', { recursive: true, force: true });
for (const environment of environments) {
  console.log(`cdk synth -c env=${environment}`);
  const context = ['-c', `env=${environment}`, '-c', 'authscale:testValues=true'];
  run('npx', ['cdk', 'synth', ...context, '--quiet', '--output', join('cdk.out', environment)]);
}

const venv = toolCache('cfn-lint', cfnLintVersion);
const cfnLint = join(venv, 'bin', 'cfn-lint');
if (!existsSync(cfnLint)) {
  ensureSystemPackages(['python3-venv']);
  run('python3', ['-m', 'venv', venv]);
  run(join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', `cfn-lint==${cfnLintVersion}`]);
}
const templates = environments.flatMap((environment) =>
  readdirSync(join('cdk.out', environment))
    .filter((file) => file.endsWith('.template.json'))
    .map((file) => join('cdk.out', environment, file)),
);
run(cfnLint, ['--version']);
// Errors fail; warnings (CDK's redundant DependsOn) are printed for review.
run(cfnLint, ['--non-zero-exit-code', 'error', '--', ...templates]);
console.log(`${templates.length} templates synthesized and linted`);
