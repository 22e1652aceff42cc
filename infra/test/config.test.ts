import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { environments } from '../config/environments.ts';
import { InfraConfigError, loadEnvironmentConfig } from '../config/load-environment-config.ts';
import type { EnvironmentConfig } from '../config/schema.ts';

/** The parameters with their read-only types relaxed, so a test can break them on purpose. */
type Editable<T> = { -readonly [K in keyof T]: T[K] extends object ? Editable<T[K]> : T[K] | unknown };

/** A deep copy of one environment with a change applied, offered to the loader in place of the real one. */
function candidatesWith(name: keyof typeof environments, change: (config: Editable<EnvironmentConfig>) => void) {
  const copy = structuredClone(environments[name]) as Editable<EnvironmentConfig>;
  change(copy);
  return { ...environments, [name]: copy };
}

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof InfraConfigError, `expected InfraConfigError, got ${String(error)}`);
    assert.equal(error.code, 'ERR_AUTHSCALE_INFRA_CONFIG');
    return error.problems;
  }
  assert.fail('the configuration was accepted');
}

describe('loadEnvironmentConfig', () => {
  test('accepts the committed dev, staging and prod parameters and freezes them', () => {
    for (const name of ['dev', 'staging', 'prod'] as const) {
      const config = loadEnvironmentConfig(name);
      assert.equal(config.name, name);
      assert.ok(Object.isFrozen(config.redis));
      assert.throws(() => {
        (config.redis as { port: number }).port = 6379;
      }, TypeError);
    }
  });

  test('asks for -c env when the environment is missing or unknown', () => {
    for (const name of [undefined, 'production', 42]) {
      const [problem] = problemsOf(() => loadEnvironmentConfig(name));
      assert.match(problem ?? '', /-c env=<dev\|staging\|prod>/);
    }
  });

  test('rejects a placeholder account', () => {
    const candidates = candidatesWith('staging', (config) => {
      config.account = '123456789012';
      config.edge.certificateArn = String(config.edge.certificateArn).replace('444455556666', '123456789012');
    });
    assert.deepEqual(
      problemsOf(() => loadEnvironmentConfig('staging', candidates)),
      ['account: 123456789012 is a placeholder'],
    );
  });

  test('rejects placeholder text anywhere', () => {
    const candidates = candidatesWith('dev', (config) => {
      config.edge.publicHostname = 'auth.example.com';
    });
    assert.deepEqual(
      problemsOf(() => loadEnvironmentConfig('dev', candidates)),
      ['edge.publicHostname: "auth.example.com" looks like a placeholder'],
    );
  });

  test('names a missing value', () => {
    const candidates = candidatesWith('prod', (config) => {
      delete config.edge.certificateArn;
    });
    const problems = problemsOf(() => loadEnvironmentConfig('prod', candidates));
    assert.ok(
      problems.some((problem) => problem.startsWith('edge') && problem.includes('certificateArn')),
      problems.join('; '),
    );
  });

  test('rejects values of the wrong shape, listing every problem at once', () => {
    const candidates = candidatesWith('prod', (config) => {
      config.account = '7777';
      config.redis.replicasPerShard = 0;
      config.services.edge.cpu = 300;
    });
    const problems = problemsOf(() => loadEnvironmentConfig('prod', candidates));
    assert.ok(problems.some((problem) => problem.startsWith('account')));
    assert.ok(problems.some((problem) => problem.startsWith('redis.replicasPerShard')));
    assert.ok(problems.some((problem) => problem.startsWith('services.edge.cpu')));
  });

  test('rejects relations a schema cannot state', () => {
    const candidates = candidatesWith('prod', (config) => {
      config.availabilityZones = ['eu-west-1a', 'us-east-1b', 'eu-west-1c'];
      config.edge.certificateArn = String(config.edge.certificateArn).replace('eu-west-1', 'us-east-1');
      config.redis.port = 6379;
      config.aurora.minCapacityAcu = 80;
      config.services.session.memoryMiB = 1024;
      config.waf.authPerIpRequestsPer5Min = 5000;
      config.services.logRetentionDays = 10;
    });
    assert.deepEqual(
      problemsOf(() => loadEnvironmentConfig('prod', candidates)),
      [
        'availabilityZones: us-east-1b is not in eu-west-1',
        'edge.certificateArn: the certificate must be in the environment account and region',
        'aurora.minCapacityAcu: above maxCapacityAcu',
        'redis.port: use a port other than the default 6379',
        'services.session.memoryMiB: Fargate runs 2048 CPU units with 4096-16384 MiB',
        'services.logRetentionDays: CloudWatch Logs keeps 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 3653 days',
        'waf.authPerIpRequestsPer5Min: must be stricter than perIpRequestsPer5Min',
      ],
    );
  });
});
