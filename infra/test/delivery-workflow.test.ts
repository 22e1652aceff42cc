import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { environments } from '../config/environments.ts';

/** The parts of a GitHub Actions workflow these tests read. */
interface Step {
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, unknown>;
  readonly env?: Record<string, string>;
}
interface Job {
  readonly needs?: string | string[];
  readonly uses?: string;
  readonly with?: Record<string, unknown>;
  readonly environment?: { name: string } | string;
  readonly permissions?: Record<string, string>;
  readonly outputs?: Record<string, string>;
  readonly steps?: Step[];
}
interface Workflow {
  readonly on: Record<string, unknown>;
  readonly permissions: Record<string, string>;
  readonly concurrency?: { group: string; 'cancel-in-progress': boolean };
  readonly jobs: Record<string, Job>;
}

const read = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const deliver = parse(read('.github/workflows/deliver.yml')) as Workflow;
const stage = parse(read('.github/workflows/deploy-environment.yml')) as Workflow;
const runOf = (job: Job | undefined) => (job?.steps ?? []).map((step) => step.run ?? '').join('\n');
const usesOf = (job: Job | undefined) => (job?.steps ?? []).map((step) => step.uses ?? '');
/** A GitHub Actions expression, as the workflow writes it. */
const expression = (inner: string) => `\${{ ${inner} }}`;
const asList = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

describe('the delivery workflow', () => {
  test('verifies as CI does, then deploys dev, staging and prod in that order, one delivery at a time', () => {
    assert.deepEqual(Object.keys(deliver.on).sort(), ['push', 'workflow_dispatch']);
    assert.deepEqual(deliver.permissions, { contents: 'read' });
    assert.equal(deliver.concurrency?.['cancel-in-progress'], false);
    assert.match(runOf(deliver.jobs.verify), /^\.ci\/run$/m);
    assert.equal(deliver.jobs.verify?.permissions, undefined, 'verify gets no OIDC token');
    const order = Object.keys(environments);
    assert.deepEqual(order, ['dev', 'staging', 'prod']);
    let previous = 'verify';
    for (const name of order) {
      const job = deliver.jobs[name];
      assert.equal(job?.uses, './.github/workflows/deploy-environment.yml', name);
      assert.deepEqual(job?.with, { environment: name });
      assert.deepEqual(asList(job?.needs), [previous], `${name} runs after ${previous}`);
      assert.deepEqual(job?.permissions, { contents: 'read', 'id-token': 'write' });
      previous = name;
    }
  });

  test('prepares before any approval: builds and pushes the images for any architecture, keeps the diff', () => {
    const prepare = stage.jobs.prepare;
    assert.equal(prepare?.environment, undefined, 'prepare must not wait for the approval');
    const credentials = prepare?.steps?.find((step) => step.uses?.startsWith('aws-actions/configure-aws-credentials'));
    assert.equal(credentials?.with?.['role-to-assume'], expression('steps.target.outputs.prepare-role'));
    assert.ok(usesOf(prepare).some((uses) => uses.startsWith('docker/setup-qemu-action')));
    assert.match(
      String(prepare?.steps?.find((step) => step.uses?.startsWith('docker/setup-qemu'))?.with?.platforms),
      /arm64/,
    );
    const run = runOf(prepare);
    assert.match(run, /scripts\/pipeline-target\.ts/);
    // The aws-cdk CLI refuses publish-assets ("Unstable feature use") without this opt-in.
    assert.match(
      run,
      /cdk publish-assets --unstable=publish-assets -c env="\$ENVIRONMENT" \$\{\{ steps\.target\.outputs\.stacks \}\}/,
    );
    assert.match(run, /cdk diff -c env="\$ENVIRONMENT" --no-change-set/);
    const upload = prepare?.steps?.find((step) => step.uses?.startsWith('actions/upload-artifact'));
    assert.equal(upload?.with?.name, `cdk-diff-${expression('inputs.environment')}`);
  });

  test("deploys in the GitHub environment of the same name (prod's approval), the four stacks by name only", () => {
    const deploy = stage.jobs.deploy;
    assert.deepEqual(asList(deploy?.needs), ['prepare']);
    assert.equal((deploy?.environment as { name: string } | undefined)?.name, expression('inputs.environment'));
    const credentials = deploy?.steps?.find((step) => step.uses?.startsWith('aws-actions/configure-aws-credentials'));
    assert.equal(credentials?.with?.['role-to-assume'], expression('steps.target.outputs.deploy-role'));
    const run = runOf(deploy);
    assert.match(run, /cdk deploy -c env="\$ENVIRONMENT" --require-approval never/);
    assert.match(run, /\$\{\{ steps\.target\.outputs\.stacks \}\}/);
    assert.doesNotMatch(run, /--all/, 'the pipeline stack is deployed by hand, never by the workflow');
  });

  test('smoke-tests the public origin after each deploy, with the k6 the local smoke test uses and no AWS access', () => {
    const smoke = stage.jobs.smoke;
    assert.ok(asList(smoke?.needs).includes('deploy'));
    assert.ok(
      !usesOf(smoke).some((uses) => uses.startsWith('aws-actions/')),
      'the smoke test holds no AWS credentials',
    );
    const step = smoke?.steps?.find((candidate) => candidate.run?.includes('load-tests/smoke.js'));
    assert.equal(step?.env?.BASE_URL, expression('needs.prepare.outputs.public-origin'));
    const localK6 = /const k6Version = '([^']+)'/.exec(read('scripts/k6/ensure-k6.ts'))?.[1];
    assert.ok(localK6);
    assert.ok(step?.run?.includes(`go install go.k6.io/k6@${localK6}`), `k6 ${localK6} in both`);
    assert.equal(stage.jobs.prepare?.outputs?.['public-origin'], expression('steps.target.outputs.public-origin'));
  });

  test('every third-party action is pinned to a commit, with the release it is named beside it', () => {
    for (const file of ['deliver.yml', 'deploy-environment.yml']) {
      const text = read(`.github/workflows/${file}`);
      const uses = [...text.matchAll(/^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/gm)].filter(
        ([, action]) => !action?.startsWith('./'),
      );
      assert.ok(uses.length > 0, `${file} uses no action`);
      for (const [line, action, rest] of uses) {
        // A tag can be moved to other code after review; a commit cannot.
        assert.match(action ?? '', /^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/, `${file}: ${line.trim()}`);
        assert.match(rest ?? '', /^ # v\d+\.\d+\.\d+$/, `${file}: ${line.trim()} names no release`);
      }
    }
  });
});
