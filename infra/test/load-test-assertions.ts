import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Match } from 'aws-cdk-lib/assertions';
import { executionSegment } from '../../load-tests/execution-segments.ts';
import { loadTestLabel } from '../constructs/web-acl.ts';
import type { CfnResource, Synthesized } from './synthesize.ts';

interface Statement {
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

interface State {
  Type: string;
  Next?: string;
  End?: boolean;
  Resource?: string;
  Parameters?: Record<string, unknown>;
  Result?: unknown;
  Catch?: Array<{ ErrorEquals: string[]; Next: string }>;
  Branches?: Array<{ StartAt: string; States: Record<string, State> }>;
  ItemProcessor?: { StartAt: string; States: Record<string, State> };
  TimeoutSeconds?: number;
}

const asList = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** The state machine's definition, its references to other resources written as "<ref>". */
function definitionOf(stateMachine: CfnResource): { TimeoutSeconds?: number; States: Record<string, State> } {
  const body = stateMachine.Properties.DefinitionString as { 'Fn::Join': [string, unknown[]] };
  const text = body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : '<ref>')).join('');
  return JSON.parse(text);
}

/** Every state, nested ones (Parallel branches, Map processors) included, by name. */
function allStates(states: Record<string, State>): Record<string, State> {
  const nested = Object.values(states).flatMap((state) => [
    ...(state.Branches ?? []).map((branch) => allStates(branch.States)),
    ...(state.ItemProcessor ? [allStates(state.ItemProcessor.States)] : []),
  ]);
  return Object.assign({}, states, ...nested);
}

function policyStatementsOf(synthesized: Synthesized, rolePrefix: string): Statement[] {
  const template = synthesized.loadTestTemplate;
  assert.ok(template);
  return Object.entries(template.findResources('AWS::IAM::Policy'))
    .filter(([, policy]) =>
      asList((policy as CfnResource).Properties.Roles as unknown[]).some((role) =>
        JSON.stringify(role).includes(rolePrefix),
      ),
    )
    .flatMap(
      ([, policy]) => ((policy as CfnResource).Properties.PolicyDocument as { Statement: Statement[] }).Statement,
    );
}

/**
 * The load-test stack of an environment (docs/load-testing.md, "On AWS"), and what it changes in the
 * others: present exactly where the environment's parameters have a `loadTest` block, which prod's
 * may not. Registered inside an environment's describe.
 */
export function describeLoadTest(synthesized: () => Synthesized, { hasLoadTest }: { hasLoadTest: boolean }): void {
  test('the load-test stack exists exactly where the parameters have a loadTest block, never in prod', () => {
    const { config, loadTestTemplate, stacks } = synthesized();
    assert.equal(loadTestTemplate !== undefined, config.loadTest !== undefined);
    assert.equal(stacks.loadTest !== undefined, config.loadTest !== undefined);
    if (config.name === 'prod') assert.equal(config.loadTest, undefined);
    else assert.ok(config.loadTest, `${config.name} has a load test`);
  });

  test('the WAF counts and labels the NAT addresses, and its rate rules skip them, only where there is a load test', () => {
    const { config, templates } = synthesized();
    const ipSets = Object.values(templates.edge.findResources('AWS::WAFv2::IPSet')) as CfnResource[];
    const [acl] = Object.values(templates.edge.findResources('AWS::WAFv2::WebACL')) as CfnResource[];
    const rules = acl?.Properties.Rules as Array<{
      Name: string;
      Priority: number;
      Action?: Record<string, unknown>;
      RuleLabels?: Array<{ Name: string }>;
      Statement: { RateBasedStatement?: { ScopeDownStatement?: unknown } };
    }>;
    const json = JSON.stringify(acl);
    if (!config.loadTest) {
      assert.deepEqual(ipSets, []);
      assert.ok(!json.includes(loadTestLabel), 'no rule labels or skips load-test traffic');
      return;
    }
    assert.equal(ipSets.length, 1);
    const addresses = ipSets[0]?.Properties.Addresses as unknown[];
    assert.equal(addresses.length, config.network.natGateways, 'one address per NAT gateway');
    for (const address of addresses) {
      const text = JSON.stringify(address);
      assert.match(text, /"StackName":"authscale-[a-z]+-network"/);
      assert.match(text, /EIP.*PublicIp/);
      assert.match(text, /"\/32"/);
    }
    const labelRule = rules.find((rule) => rule.Name === 'load-test-addresses');
    assert.deepEqual(labelRule?.Action, { Count: {} }, 'the addresses are counted, never allowed outright');
    assert.deepEqual(labelRule?.RuleLabels, [{ Name: loadTestLabel }]);
    for (const name of ['credential-paths-per-ip', 'all-paths-per-ip']) {
      const rule = rules.find((candidate) => candidate.Name === name);
      assert.ok(rule && labelRule && rule.Priority > labelRule.Priority, `${name} runs after the label is set`);
      assert.ok(
        JSON.stringify(rule.Statement.RateBasedStatement?.ScopeDownStatement).includes(
          JSON.stringify({
            NotStatement: { Statement: { LabelMatchStatement: { Key: loadTestLabel, Scope: 'LABEL' } } },
          }),
        ),
        `${name} does not count labelled requests`,
      );
    }
  });

  test("the edge's limits exempt the NAT addresses only where there is a load test, and are raised for no one", () => {
    const { config, templates } = synthesized();
    const [taskDefinition] = Object.values(templates.edge.findResources('AWS::ECS::TaskDefinition')) as CfnResource[];
    const containers = taskDefinition?.Properties.ContainerDefinitions as Array<{
      Environment?: Array<{ Name: string; Value: unknown }>;
    }>;
    const variable = (name: string) =>
      containers.flatMap((container) => container.Environment ?? []).find((entry) => entry.Name === name)?.Value;
    assert.equal(variable('RATE_LIMIT_PER_IP_MAX'), undefined);
    assert.equal(variable('RATE_LIMIT_SIGN_IN_MAX'), undefined);
    const exempt = JSON.stringify(variable('RATE_LIMIT_EXEMPT_CIDRS') ?? null);
    if (!config.loadTest) assert.equal(exempt, 'null');
    else {
      // One /32 per NAT gateway's Elastic IP, read from the network stack.
      const addresses = exempt.match(/\/32/g) ?? [];
      assert.equal(addresses.length, config.network.natGateways, exempt);
      assert.match(exempt, /PublicIp/);
    }
  });

  test("the dashboard has a row of the load tests' k6 figures only where there is a load test", () => {
    const { config, templates } = synthesized();
    const [dashboard] = Object.values(templates.edge.findResources('AWS::CloudWatch::Dashboard')) as CfnResource[];
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);
    assert.equal(body.includes('k6_http_reqs'), config.loadTest !== undefined);
    if (config.loadTest) {
      assert.ok(
        body.includes(`{authscale/${config.name},test_id}`),
        'searched in the environment namespace, by test id',
      );
    }
  });

  // The stack's own resources, asserted where it exists; where it does not, the first test says so.
  if (!hasLoadTest) return;

  test("k6 sends its metrics, tagged with the run's test id, to a collector that publishes them in the environment's namespace", () => {
    const { config, loadTestTemplate: template } = synthesized();
    assert.ok(config.loadTest && template, 'the load-test stack is missing');
    const [taskDefinition] = Object.values(template.findResources('AWS::ECS::TaskDefinition')) as CfnResource[];
    const containers = taskDefinition?.Properties.ContainerDefinitions as Array<{
      Name: string;
      Environment?: Array<{ Name: string; Value: unknown }>;
    }>;
    const variableOf = (container: string, name: string) =>
      containers.find((candidate) => candidate.Name === container)?.Environment?.find((entry) => entry.Name === name)
        ?.Value;
    assert.equal(variableOf('k6', 'K6_OUT'), 'opentelemetry');
    assert.equal(variableOf('k6', 'K6_OTEL_HTTP_EXPORTER_ENDPOINT'), '127.0.0.1:4318');
    assert.equal(variableOf('k6', 'K6_OTEL_METRIC_PREFIX'), 'k6_');
    const collector = JSON.stringify(variableOf('otel-collector', 'AOT_CONFIG_CONTENT'));
    assert.ok(collector.includes(`authscale/${config.name}`), 'the environment namespace');
    for (const expected of ['k6_http_reqs', 'k6_http_req_duration', 'k6_http_req_failed', 'test_id']) {
      assert.ok(collector.includes(expected), `${expected} is published`);
    }
    assert.ok(!collector.includes('awsxray'), 'k6 sends no traces');
    const others = policyStatementsOf(synthesized(), 'RunnerTaskTaskRole').filter(
      (statement) => !asList(statement.Action).some((action) => action.startsWith('s3:')),
    );
    assert.deepEqual(
      others.flatMap((statement) => asList(statement.Action)).sort(),
      ['logs:CreateLogStream', 'logs:PutLogEvents'],
      'besides the summaries, only the metrics log group',
    );
    const script = readFileSync(new URL('../../load-tests/aws/run-segment.sh', import.meta.url), 'utf8');
    assert.match(script, /k6 run [^\n]*--tag "test_id=\$RUN_ID"/);
  });

  test('k6 runs from load-tests/Dockerfile on the k6 CI builds, read-only, and may only put summaries', () => {
    const { config, loadTestTemplate: template } = synthesized();
    assert.ok(config.loadTest && template, 'the load-test stack is missing');
    const dockerfile = readFileSync(new URL('../../load-tests/Dockerfile', import.meta.url), 'utf8');
    const ciK6 = /const k6Version = 'v([^']+)'/.exec(
      readFileSync(new URL('../../scripts/k6/ensure-k6.ts', import.meta.url), 'utf8'),
    )?.[1];
    assert.match(dockerfile, new RegExp(`^FROM grafana/k6:${ciK6?.replaceAll('.', '\\.')}$`, 'm'));
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      Cpu: String(config.loadTest.worker.cpu),
      Memory: String(config.loadTest.worker.memoryMiB),
      RuntimePlatform: { CpuArchitecture: config.services.cpuArchitecture },
      ContainerDefinitions: Match.arrayWith([
        Match.objectLike({
          Name: 'k6',
          ReadonlyRootFilesystem: true,
          Environment: Match.arrayWith([{ Name: 'BASE_URL', Value: `https://${config.edge.publicHostname}` }]),
        }),
      ]),
    });
    const [bucketId] = Object.keys(template.findResources('AWS::S3::Bucket'));
    const s3Statements = policyStatementsOf(synthesized(), 'RunnerTaskTaskRole').filter((statement) =>
      asList(statement.Action).some((action) => action.startsWith('s3:')),
    );
    assert.deepEqual(s3Statements, [
      {
        Action: 's3:PutObject',
        Effect: 'Allow',
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/summaries/*']] },
      },
    ]);
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: Match.objectLike({}),
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: Match.anyValue(), Status: 'Enabled' })] },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    // The services subnets: private, with egress through the NAT gateways the WAF knows.
    const [stateMachine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine')) as CfnResource[];
    assert.match(JSON.stringify(stateMachine?.Properties.DefinitionString), /servicesSubnet/);
    assert.doesNotMatch(JSON.stringify(stateMachine?.Properties.DefinitionString), /AssignPublicIp":"ENABLED/);
  });

  test('a run: smoke, floors raised, one k6 task per segment, merge, floors restored also on failure, within the maximum duration', () => {
    const { config, loadTestTemplate: template } = synthesized();
    assert.ok(config.loadTest && template, 'the load-test stack is missing');
    const [stateMachine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine')) as CfnResource[];
    assert.ok(stateMachine);
    const definition = definitionOf(stateMachine);
    assert.equal(definition.TimeoutSeconds, config.loadTest.maxDurationMinutes * 60);
    const states = allStates(definition.States);

    const items = states.Workers?.Result as Array<{ worker: string; segment: string; sequence: string }>;
    assert.equal(items.length, config.loadTest.workers);
    items.forEach((item, index) => {
      const expected = executionSegment(index, config.loadTest?.workers ?? 0);
      if (expected) assert.deepEqual({ segment: item.segment, sequence: item.sequence }, expected);
    });
    const runWorker = JSON.stringify(states.RunWorker?.Parameters);
    for (const variable of ['K6_EXECUTION_SEGMENT', 'K6_EXECUTION_SEGMENT_SEQUENCE', 'PROFILE', 'RUN_ID']) {
      assert.ok(runWorker.includes(`"Name":"${variable}"`), `each task is given ${variable}`);
    }
    // Smoke and the k6 tasks at their limits still leave time to merge and restore the floors.
    const limits = (states.Smoke?.TimeoutSeconds ?? Infinity) + (states.RunWorker?.TimeoutSeconds ?? Infinity);
    assert.ok(limits <= config.loadTest.maxDurationMinutes * 60 - 300);

    const floorOf = (state: string) => (states[state]?.Parameters as { MinCapacity?: number } | undefined)?.MinCapacity;
    for (const [service, name] of [
      ['edge', 'Edge'],
      ['session', 'Session'],
      ['orchestrator', 'Orchestrator'],
    ] as const) {
      assert.equal(floorOf(`RaiseFloors${name}`), config.loadTest.floors[service]);
      assert.equal(floorOf(`RestoreFloors${name}`), config.services[service].minTasks);
      assert.equal(floorOf(`RestoreFloorsAfterError${name}`), config.services[service].minTasks);
    }
    assert.deepEqual(states.Load?.Catch, [
      { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'RestoreFloorsAfterError' },
    ]);
    assert.equal(states.Load?.Next, 'RestoreFloors');
    assert.equal(states.RestoreFloors?.Next, 'Verdict');
    assert.equal(states.Smoke?.Next, 'SmokePassed');
  });

  test("the state machine may run only the k6 task, register the services' floors and invoke the merge", () => {
    const { config, loadTestTemplate: template } = synthesized();
    assert.ok(config.loadTest && template, 'the load-test stack is missing');
    const statements = policyStatementsOf(synthesized(), 'RunStateMachineRole');
    const actions = statements.flatMap((statement) => asList(statement.Action)).sort();
    assert.deepEqual(actions, [
      'application-autoscaling:RegisterScalableTarget',
      'ecs:DescribeServices',
      'ecs:DescribeTasks',
      'ecs:RunTask',
      'ecs:StopTask',
      'ecs:UpdateService',
      'events:DescribeRule',
      'events:PutRule',
      'events:PutTargets',
      'iam:PassRole',
      'lambda:InvokeFunction',
      'logs:CreateLogDelivery',
      'logs:DeleteLogDelivery',
      'logs:DescribeLogGroups',
      'logs:DescribeResourcePolicies',
      'logs:GetLogDelivery',
      'logs:ListLogDeliveries',
      'logs:PutResourcePolicy',
      'logs:UpdateLogDelivery',
      'xray:GetSamplingRules',
      'xray:GetSamplingTargets',
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
    const resourcesOf = (action: string) =>
      JSON.stringify(
        statements.filter((statement) => asList(statement.Action).includes(action)).map((s) => s.Resource),
      );
    assert.match(resourcesOf('ecs:RunTask'), /^\[\{"Ref":"RunnerTask[0-9A-F]+"\}\]$/);
    assert.match(resourcesOf('iam:PassRole'), /RunnerTaskExecutionRole.*RunnerTaskTaskRole/);
    const services = JSON.parse(resourcesOf('ecs:UpdateService')) as unknown[][];
    assert.equal(services[0]?.length, 3, 'the edge, session and orchestrator services only');
    assert.match(resourcesOf('lambda:InvokeFunction'), /RunMerge/);
    assert.match(resourcesOf('application-autoscaling:RegisterScalableTarget'), /:scalable-target\/\*"\]$/);
  });

  test('an edge alarm stops the k6 tasks of the load-test cluster, and that function can do nothing else', () => {
    const { config, loadTestTemplate: template } = synthesized();
    assert.ok(config.loadTest && template, 'the load-test stack is missing');
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        resources: Match.arrayWith([
          Match.objectLike({ 'Fn::GetStackOutput': Match.objectLike({ StackName: Match.stringLikeRegexp('-edge$') }) }),
        ]),
        detail: { state: { value: ['ALARM'] } },
      },
    });
    const statements = policyStatementsOf(synthesized(), 'RunnerStopRole').filter(
      (statement) => !asList(statement.Action).every((action) => action.startsWith('logs:')),
    );
    const [clusterId] = Object.keys(template.findResources('AWS::ECS::Cluster'));
    assert.deepEqual(statements, [
      {
        Action: 'ecs:ListTasks',
        Effect: 'Allow',
        Resource: '*',
        Condition: { ArnEquals: { 'ecs:cluster': { 'Fn::GetAtt': [clusterId, 'Arn'] } } },
      },
      {
        Action: 'ecs:StopTask',
        Effect: 'Allow',
        Resource: {
          'Fn::Join': ['', [`arn:aws:ecs:${config.region}:${config.account}:task/`, { Ref: clusterId }, '/*']],
        },
      },
    ]);
  });

  test('a schedule starts the configured profile only where the parameters name one', () => {
    const { config, loadTestTemplate: template } = synthesized();
    assert.ok(config.loadTest && template, 'the load-test stack is missing');
    const schedules = Object.values(template.findResources('AWS::Scheduler::Schedule')) as CfnResource[];
    if (!config.loadTest.schedule) {
      assert.deepEqual(schedules, []);
      return;
    }
    assert.equal(schedules.length, 1);
    assert.equal(schedules[0]?.Properties.ScheduleExpression, config.loadTest.schedule.cron);
    const target = schedules[0]?.Properties.Target as { Input: string };
    assert.deepEqual(JSON.parse(target.Input), {
      profile: config.loadTest.schedule.profile,
      k6Args: Object.entries(config.loadTest.schedule.env).flatMap(([key, value]) => ['-e', `${key}=${value}`]),
    });
  });
}
