/**
 * `npm run synth`: synthesizes every environment offline into `cdk.out/<environment>` (cdk-nag runs
 * as an Aspect, so a finding fails here), then runs cfn-lint over every template and checkov over the
 * prod templates (the ones every check applies to; `infra/checkov-skips.ts` holds the accepted
 * failures). It synthesizes with the documented test values (`infra/config/test-deployment-targets.ts`),
 * never a team's own. cfn-lint and checkov are installed once each, at the versions below, into
 * virtual environments of their own.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pythonTool } from './python-tool.ts';

const environments = ['dev', 'staging', 'prod'] as const;
const cfnLintVersion = '1.58.0';
const checkovVersion = '3.3.30';
const run = (command: string, args: string[]) => execFileSync(command, args, { stdio: 'inherit' });

rmSync('cdk.out', { recursive: true, force: true });
for (const environment of environments) {
  console.log(`cdk synth -c env=${environment}`);
  const context = ['-c', `env=${environment}`, '-c', 'authscale:testValues=true'];
  run('npx', ['cdk', 'synth', ...context, '--quiet', '--output', join('cdk.out', environment)]);
}

const cfnLint = pythonTool('cfn-lint', cfnLintVersion);
const templates = environments.flatMap((environment) =>
  readdirSync(join('cdk.out', environment))
    .filter((file) => file.endsWith('.template.json'))
    .map((file) => join('cdk.out', environment, file)),
);
run(cfnLint, ['--version']);
// Errors fail; warnings (CDK's redundant DependsOn) are printed for review.
run(cfnLint, ['--non-zero-exit-code', 'error', '--', ...templates]);

// Any failed check fails; skips are resource metadata with a reason. No download: CI is offline.
const checkov = pythonTool('checkov', checkovVersion);
run(checkov, ['--version']);
run(checkov, [
  '--directory',
  join('cdk.out', 'prod'),
  '--framework',
  'cloudformation',
  '--compact',
  '--quiet',
  '--skip-download',
]);
console.log(`${templates.length} templates synthesized and linted; prod scanned by checkov`);
