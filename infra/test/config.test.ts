import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type DeploymentTargetSources,
  loadEnvironmentConfigFromContext,
  resolveDeploymentTarget,
} from '../config/deployment-target.ts';
import { environments } from '../config/environments.ts';
import {
  InfraConfigError,
  loadEnvironmentConfig,
  loadEnvironmentParameters,
} from '../config/load-environment-config.ts';
import type { DeploymentTarget, EnvironmentParameters } from '../config/schema.ts';
import { testDeploymentTargets } from '../config/test-deployment-targets.ts';

/** The parameters with their read-only types relaxed, so a test can break them on purpose. */
type Editable<T> = { -readonly [K in keyof T]: T[K] extends object ? Editable<T[K]> : T[K] | unknown };

/** A deep copy of one environment with a change applied, offered to the loader in place of the real one. */
function candidatesWith(name: keyof typeof environments, change: (config: Editable<EnvironmentParameters>) => void) {
  const copy = structuredClone(environments[name]) as Editable<EnvironmentParameters>;
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

/** A team's own values, shaped like real ones. */
const teamTarget = {
  account: '210987654321',
  certificateArn: 'arn:aws:acm:eu-west-1:210987654321:certificate/8c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
  publicHostname: 'auth.staging.acme-identity.net',
  hostedZoneId: 'Z04471632Q4VLJ2WXYZ',
  hostedZoneName: 'staging.acme-identity.net',
  alarmEmail: 'oncall@acme-identity.net',
} as const satisfies DeploymentTarget;

/** Deployment-target sources: command-line context and, optionally, the deployment file's contents. */
function sources(context: Record<string, unknown>, contents?: unknown): DeploymentTargetSources {
  return {
    context: (key) => context[key],
    ...(contents === undefined ? {} : { file: { path: 'authscale.local.json', contents } }),
  };
}

describe('loadEnvironmentParameters', () => {
  test('accepts the committed dev, staging and prod parameters and freezes them', () => {
    for (const name of ['dev', 'staging', 'prod'] as const) {
      const config = loadEnvironmentParameters(name);
      assert.equal(config.name, name);
      assert.ok(Object.isFrozen(config.redis));
      assert.throws(() => {
        (config.redis as { port: number }).port = 6379;
      }, TypeError);
    }
  });

  test('asks for -c env when the environment is missing or unknown', () => {
    for (const name of [undefined, 'production', 42]) {
      const [problem] = problemsOf(() => loadEnvironmentParameters(name));
      assert.match(problem ?? '', /-c env=<dev\|staging\|prod>/);
    }
  });

  test('rejects placeholder text anywhere', () => {
    const candidates = candidatesWith('dev', (config) => {
      config.redis.nodeType = 'cache.todo.large';
    });
    assert.deepEqual(
      problemsOf(() => loadEnvironmentParameters('dev', candidates)),
      ['redis.nodeType: "cache.todo.large" looks like a placeholder'],
    );
  });

  test('holds no value only one team knows: those are the deployment target', () => {
    for (const parameters of Object.values(environments)) {
      const committed = JSON.stringify(parameters);
      assert.doesNotMatch(committed, /"account"|certificate|publicHostname|hostedZone|alarmEmail|alarmHttpsEndpoint/);
    }
    const candidates = candidatesWith('dev', (config) => {
      (config as Record<string, unknown>).account = '210987654321';
    });
    assert.ok(
      problemsOf(() => loadEnvironmentParameters('dev', candidates)).some((problem) => /account/.test(problem)),
    );
  });

  test('rejects values of the wrong shape, listing every problem at once', () => {
    const candidates = candidatesWith('prod', (config) => {
      config.region = 'europe';
      config.redis.replicasPerShard = 0;
      config.services.edge.cpu = 300;
    });
    const problems = problemsOf(() => loadEnvironmentParameters('prod', candidates));
    assert.ok(problems.some((problem) => problem.startsWith('region')));
    assert.ok(problems.some((problem) => problem.startsWith('redis.replicasPerShard')));
    assert.ok(problems.some((problem) => problem.startsWith('services.edge.cpu')));
  });

  test('rejects relations a schema cannot state', () => {
    const candidates = candidatesWith('prod', (config) => {
      config.availabilityZones = ['eu-west-1a', 'us-east-1b', 'eu-west-1c'];
      config.redis.port = 6379;
      config.aurora.minCapacityAcu = 80;
      config.services.session.memoryMiB = 1024;
      config.waf.authPerIpRequestsPer5Min = 5000;
      config.services.logRetentionDays = 10;
    });
    assert.deepEqual(
      problemsOf(() => loadEnvironmentParameters('prod', candidates)),
      [
        'availabilityZones: us-east-1b is not in eu-west-1',
        'aurora.minCapacityAcu: above maxCapacityAcu',
        'redis.port: use a port other than the default 6379',
        'services.session.memoryMiB: Fargate runs 2048 CPU units with 4096-16384 MiB',
        'services.logRetentionDays: CloudWatch Logs keeps 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 3653 days',
        'waf.authPerIpRequestsPer5Min: must be stricter than perIpRequestsPer5Min',
      ],
    );
  });

  test('the admin API admits named networks only: IPv4 CIDRs, never one that spans every address', () => {
    const shape = candidatesWith('prod', (config) => {
      config.adminApi.allowedCidrs = ['10.0.0.0', '10.1.0.0/33'];
    });
    const problems = problemsOf(() => loadEnvironmentParameters('prod', shape));
    assert.ok(problems.some((problem) => problem.startsWith('adminApi.allowedCidrs.0')));
    assert.ok(problems.some((problem) => problem.startsWith('adminApi.allowedCidrs.1')));
    const everyone = candidatesWith('prod', (config) => {
      config.adminApi.allowedCidrs = ['10.20.0.0/16', '0.0.0.0/0'];
    });
    assert.deepEqual(
      problemsOf(() => loadEnvironmentParameters('prod', everyone)),
      ["adminApi.allowedCidrs: 0.0.0.0/0 admits every address; name the operators' networks"],
    );
  });

  test('takes a load-test block in dev and staging and refuses one in prod', () => {
    assert.ok(loadEnvironmentParameters('dev').loadTest);
    assert.ok(loadEnvironmentParameters('staging').loadTest?.schedule);
    assert.equal(loadEnvironmentParameters('prod').loadTest, undefined);
    const prodWithLoadTest = candidatesWith('prod', (config) => {
      config.loadTest = structuredClone(environments.staging.loadTest);
    });
    assert.deepEqual(
      problemsOf(() => loadEnvironmentParameters('prod', prodWithLoadTest)),
      ['loadTest: never in prod; run load tests against dev or staging'],
    );
  });

  test('checks the load-test block: task size, floors within the services bounds, a cron schedule', () => {
    const candidates = candidatesWith('staging', (config) => {
      const loadTest = config.loadTest as Editable<NonNullable<EnvironmentParameters['loadTest']>>;
      loadTest.worker = { cpu: 1024, memoryMiB: 16384 };
      loadTest.floors = { edge: 1, session: 6, orchestrator: 7 };
    });
    assert.deepEqual(
      problemsOf(() => loadEnvironmentParameters('staging', candidates)),
      [
        'loadTest.worker.memoryMiB: Fargate runs 1024 CPU units with 2048-8192 MiB',
        'loadTest.floors.edge: between services.edge.minTasks and maxTasks',
        'loadTest.floors.orchestrator: between services.orchestrator.minTasks and maxTasks',
      ],
    );
    const badSchedule = candidatesWith('staging', (config) => {
      const loadTest = config.loadTest as Editable<NonNullable<EnvironmentParameters['loadTest']>>;
      loadTest.schedule = { profile: 'soak', cron: '0 3 * * 0', env: {} };
    });
    const problems = problemsOf(() => loadEnvironmentParameters('staging', badSchedule));
    assert.ok(problems.some((problem) => problem.startsWith('loadTest.schedule.profile')));
    assert.ok(problems.some((problem) => problem.startsWith('loadTest.schedule.cron')));
  });
});

describe('loadEnvironmentConfig', () => {
  test('joins each environment with its test target, frozen, the hosted zone only where one is named', () => {
    for (const name of ['dev', 'staging', 'prod'] as const) {
      const target = testDeploymentTargets[name];
      const config = loadEnvironmentConfig(name, target);
      assert.equal(config.account, target.account);
      assert.equal(config.edge.publicHostname, target.publicHostname);
      assert.equal(config.edge.certificateArn, target.certificateArn);
      assert.deepEqual(
        config.edge.hostedZone,
        target.hostedZoneId ? { id: target.hostedZoneId, name: target.hostedZoneName } : undefined,
      );
      assert.equal(config.edge.accessLogRetentionDays, environments[name].edge.accessLogRetentionDays);
      assert.ok(Object.isFrozen(config.edge));
    }
  });

  test('checks the target against the environment: certificate account and region, host name in its zone', () => {
    const otherRegion = { ...teamTarget, certificateArn: teamTarget.certificateArn.replace('eu-west-1', 'us-east-1') };
    assert.deepEqual(
      problemsOf(() => loadEnvironmentConfig('staging', otherRegion)),
      ['certificateArn: the certificate must be in the environment account and region'],
    );
    const outsideZone = { ...teamTarget, publicHostname: 'auth.acme-identity.net' };
    assert.deepEqual(
      problemsOf(() => loadEnvironmentConfig('staging', outsideZone)),
      ['publicHostname: auth.acme-identity.net is not in the hosted zone staging.acme-identity.net'],
    );
    const { hostedZoneName: _, ...zoneIdOnly } = teamTarget;
    assert.deepEqual(
      problemsOf(() => loadEnvironmentConfig('staging', zoneIdOnly)),
      ['hostedZoneId, hostedZoneName: give both or neither'],
    );
    const malformed = { ...teamTarget, account: '2109' };
    assert.ok(
      problemsOf(() => loadEnvironmentConfig('staging', malformed)).some((problem) => /^account/.test(problem)),
    );
  });
  test('refuses an environment that protects its data without an alarm subscription; dev may have none', () => {
    const { alarmEmail: _, ...unsubscribed } = teamTarget;
    for (const name of ['staging', 'prod'] as const) {
      assert.ok(environments[name].protectData);
      assert.deepEqual(
        problemsOf(() => loadEnvironmentConfig(name, unsubscribed)),
        [
          'alarmEmail, alarmHttpsEndpoint: give at least one; alarms of an environment that protects its data must reach someone',
        ],
      );
    }
    const webhook = { ...unsubscribed, alarmHttpsEndpoint: 'https://events.pagerduty.com/integration/abc/enqueue' };
    assert.equal(loadEnvironmentConfig('staging', webhook).alarmHttpsEndpoint, webhook.alarmHttpsEndpoint);
    assert.ok(
      problemsOf(() =>
        loadEnvironmentConfig('staging', { ...unsubscribed, alarmHttpsEndpoint: 'http://hooks.acme-identity.net' }),
      ).some((problem) => /^alarmHttpsEndpoint/.test(problem)),
      'HTTPS only',
    );
    assert.equal(environments.dev.protectData, false);
    assert.equal(
      loadEnvironmentConfig('dev', {
        ...unsubscribed,
        hostedZoneName: 'dev.acme-identity.net',
        publicHostname: 'auth.dev.acme-identity.net',
      }).alarmEmail,
      undefined,
    );
  });

  test('takes a pipeline only with a GitHub repository, and a provider only from the same account', () => {
    assert.equal(loadEnvironmentConfig('staging', teamTarget).pipeline, undefined);
    const withRepository = { ...teamTarget, githubRepository: 'acme/authscale' };
    assert.deepEqual(loadEnvironmentConfig('staging', withRepository).pipeline, { githubRepository: 'acme/authscale' });
    const provider = `arn:aws:iam::${teamTarget.account}:oidc-provider/token.actions.githubusercontent.com`;
    assert.deepEqual(
      loadEnvironmentConfig('staging', { ...withRepository, githubOidcProviderArn: provider }).pipeline,
      { githubRepository: 'acme/authscale', githubOidcProviderArn: provider },
    );
    assert.deepEqual(
      problemsOf(() => loadEnvironmentConfig('staging', { ...teamTarget, githubOidcProviderArn: provider })),
      ['githubOidcProviderArn: only with githubRepository, the repository it lets deploy'],
    );
    const elsewhere = provider.replace(teamTarget.account, '999988887777');
    assert.deepEqual(
      problemsOf(() => loadEnvironmentConfig('staging', { ...withRepository, githubOidcProviderArn: elsewhere })),
      ['githubOidcProviderArn: the provider must be in the environment account'],
    );
    assert.ok(
      problemsOf(() => loadEnvironmentConfig('staging', { ...teamTarget, githubRepository: 'not a repository' })).some(
        (problem) => /^githubRepository/.test(problem),
      ),
    );
  });
});

describe('resolveDeploymentTarget', () => {
  test('names every missing value, with the context key and the file entry that supply it', () => {
    const problems = problemsOf(() => resolveDeploymentTarget('staging', sources({})));
    assert.deepEqual(
      problems.map((problem) => problem.split(';')[0]),
      ['account: missing', 'certificateArn: missing', 'publicHostname: missing'],
    );
    assert.match(
      problems[0] ?? '',
      /pass -c authscale:account=<12-digit AWS account id>, or set "account" under "staging" in authscale\.local\.json/,
    );
  });

  test('reads the deployment file section of the environment; a context value wins over it', () => {
    const file = { staging: teamTarget, prod: { account: '999999999999' } };
    assert.deepEqual(resolveDeploymentTarget('staging', sources({}, file)), teamTarget);
    const overridden = resolveDeploymentTarget('staging', sources({ 'authscale:account': '210987654322' }, file));
    assert.equal(overridden.account, '210987654322');
    assert.equal(overridden.publicHostname, teamTarget.publicHostname);
    const fromContext = Object.fromEntries(
      Object.entries(teamTarget).map(([key, value]) => [`authscale:${key}`, value]),
    );
    assert.deepEqual(resolveDeploymentTarget('staging', sources(fromContext)), teamTarget);
  });

  test('refuses a misspelt key in the file instead of dropping its value', () => {
    const problems = problemsOf(() =>
      resolveDeploymentTarget('staging', sources({}, { staging: { ...teamTarget, acount: '210987654321' } })),
    );
    assert.deepEqual(problems, [
      'authscale.local.json: "staging.acount" is not one of account, certificateArn, publicHostname, hostedZoneId, hostedZoneName, alarmEmail, alarmHttpsEndpoint, githubRepository, githubOidcProviderArn',
    ]);
  });

  test('refuses the documented test values and well-known placeholders', () => {
    for (const name of ['dev', 'staging', 'prod'] as const) {
      const problems = problemsOf(() =>
        resolveDeploymentTarget(name, sources({}, { [name]: testDeploymentTargets[name] })),
      );
      assert.ok(
        problems.includes(`account: ${testDeploymentTargets[name].account} is a documented test value, not yours`),
      );
    }
    const problems = problemsOf(() =>
      resolveDeploymentTarget(
        'dev',
        sources({
          'authscale:account': '123456789012',
          'authscale:certificateArn': teamTarget.certificateArn,
          'authscale:publicHostname': 'auth.example.com',
          'authscale:alarmEmail': 'alarms@example.org',
        }),
      ),
    );
    assert.deepEqual(problems, [
      'account: 123456789012 is a placeholder',
      'publicHostname: auth.example.com is a reserved name that no public DNS resolves',
      'alarmEmail: alarms@example.org is at a reserved domain that receives no mail',
    ]);
  });
});

describe('loadEnvironmentConfigFromContext', () => {
  test('with authscale:testValues, synthesizes the documented test values and ignores the file', () => {
    const config = loadEnvironmentConfigFromContext(
      sources({ env: 'prod', 'authscale:testValues': 'true' }, { prod: { account: '210987654321' } }),
    );
    assert.equal(config.account, testDeploymentTargets.prod.account);
  });

  test("otherwise builds the environment from its team's values", () => {
    const config = loadEnvironmentConfigFromContext(sources({ env: 'staging' }, { staging: teamTarget }));
    assert.equal(config.account, teamTarget.account);
    assert.deepEqual(config.edge.hostedZone, { id: teamTarget.hostedZoneId, name: teamTarget.hostedZoneName });
    assert.equal(config.redis.port, environments.staging.redis.port);
  });
});
