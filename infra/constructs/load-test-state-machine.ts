import { Duration, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { executionSegment } from '../../load-tests/execution-segments.ts';
import { type Profile, profiles } from '../../load-tests/profiles.ts';
import { bundledLambda } from './bundled-lambda.ts';
import { summariesPrefix } from './load-test/merge-handler.ts';
import type { LoadTestRunner } from './load-test-runner.ts';

/** A service whose autoscaling floor a run raises, and what it raises and restores it to. */
export interface ScaledService {
  readonly name: string;
  readonly service: ecs.IBaseService;
  readonly floorDuringRun: number;
  readonly floor: number;
}

export interface LoadTestStateMachineProps {
  readonly runner: LoadTestRunner;
  readonly workers: number;
  readonly maxDuration: Duration;
  /** The services' cluster (not the runner's). */
  readonly servicesClusterName: string;
  readonly services: readonly ScaledService[];
  readonly schedule?: {
    readonly profile: Profile;
    readonly cron: string;
    readonly env: Readonly<Record<string, string>>;
  };
  readonly logRetention: logs.RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
}

/**
 * What starts a run: `{"profile": "<name>", "k6Args": ["-e", "KEY=VALUE", ...]}`, the arguments
 * passed to every k6 task of the profile (not to the smoke test before it).
 */
export interface LoadTestInput {
  readonly profile: Profile;
  readonly k6Args: readonly string[];
}

/** The smoke test's limit: it takes seconds, and its task a minute or so to start. */
const smokeTimeout = Duration.minutes(5);
/** What the merge and the restored floors get of the execution's time, after the k6 tasks. */
const restoreMargin = Duration.minutes(5);

/**
 * One load test end to end (docs/load-testing.md, "On AWS"): a smoke test; then, unless the profile
 * is smoke, the services' autoscaling floors raised, the profile run as N k6 tasks on execution
 * segments of one sequence, their summaries merged from S3, the floors restored (also when a state
 * fails), and a failed execution when any threshold broke. The k6 tasks are stopped in time for
 * the merge and the restore to finish within the execution's own timeout.
 */
export class LoadTestStateMachine extends Construct {
  public readonly stateMachine: sfn.StateMachine;
  public readonly mergeFunction: lambda.IFunction;
  public readonly mergeRole: iam.IRole;

  constructor(scope: Construct, id: string, props: LoadTestStateMachineProps) {
    super(scope, id);
    const { runner } = props;
    const stack = Stack.of(this);
    const runId = sfn.JsonPath.executionName;

    const k6Task = (
      taskId: string,
      overrides: { environment: Record<string, string>; command?: string[] },
      timeout: Duration,
      resultPath: string,
    ) =>
      new tasks.EcsRunTask(this, taskId, {
        integrationPattern: sfn.IntegrationPattern.RUN_JOB,
        cluster: runner.cluster,
        taskDefinition: runner.taskDefinition,
        launchTarget: new tasks.EcsFargateLaunchTarget({ platformVersion: ecs.FargatePlatformVersion.LATEST }),
        subnets: runner.subnets,
        securityGroups: runner.securityGroups,
        containerOverrides: [
          {
            containerDefinition: runner.container,
            environment: Object.entries(overrides.environment).map(([name, value]) => ({ name, value })),
            ...(overrides.command ? { command: overrides.command } : {}),
          },
        ],
        taskTimeout: sfn.Timeout.duration(timeout),
        resultSelector: { exitCode: sfn.JsonPath.numberAt('$.Containers[0].ExitCode') },
        resultPath,
      });

    const smoke = k6Task(
      'Smoke',
      { environment: { PROFILE: 'smoke', RUN_ID: runId, WORKER: 'smoke' } },
      smokeTimeout,
      '$.smoke',
    );

    const floors = (stateId: string, floorOf: (service: ScaledService) => number) => {
      const parallel = new sfn.Parallel(this, stateId, { resultPath: sfn.JsonPath.DISCARD });
      for (const scaled of props.services) {
        parallel.branch(
          tasks.CallAwsService.jsonPath(this, `${stateId}${scaled.name}`, {
            service: 'applicationautoscaling',
            action: 'registerScalableTarget',
            parameters: {
              ServiceNamespace: 'ecs',
              ResourceId: `service/${props.servicesClusterName}/${scaled.service.serviceName}`,
              ScalableDimension: 'ecs:service:DesiredCount',
              MinCapacity: floorOf(scaled),
            },
            iamAction: 'application-autoscaling:RegisterScalableTarget',
            // A scalable target's ARN carries an id Application Auto Scaling generates: no name to scope to.
            iamResources: [
              stack.formatArn({ service: 'application-autoscaling', resource: 'scalable-target', resourceName: '*' }),
            ],
            resultPath: sfn.JsonPath.DISCARD,
          }),
        );
      }
      return parallel;
    };

    const workerNames = Array.from({ length: props.workers }, (_, index) => `worker-${index + 1}`);
    const workerItems = workerNames.map((worker, index) => ({
      worker,
      // One worker runs the whole test: the segment k6 would use without one.
      ...(executionSegment(index, props.workers) ?? { segment: '0:1', sequence: '0,1' }),
    }));
    const eachWorker = new sfn.Map(this, 'EachWorker', {
      itemsPath: '$.workerItems',
      itemSelector: {
        'worker.$': '$$.Map.Item.Value.worker',
        'segment.$': '$$.Map.Item.Value.segment',
        'sequence.$': '$$.Map.Item.Value.sequence',
        'profile.$': '$.profile',
        'k6Args.$': '$.k6Args',
      },
      resultPath: sfn.JsonPath.DISCARD,
    });
    const runWorker = k6Task(
      'RunWorker',
      {
        environment: {
          PROFILE: sfn.JsonPath.stringAt('$.profile'),
          RUN_ID: runId,
          WORKER: sfn.JsonPath.stringAt('$.worker'),
          K6_EXECUTION_SEGMENT: sfn.JsonPath.stringAt('$.segment'),
          K6_EXECUTION_SEGMENT_SEQUENCE: sfn.JsonPath.stringAt('$.sequence'),
        },
        command: sfn.JsonPath.listAt('$.k6Args'),
      },
      props.maxDuration.minus(smokeTimeout).minus(restoreMargin),
      sfn.JsonPath.DISCARD,
    );
    // A task that failed to start, or was stopped at its timeout, uploaded no result: the merge
    // counts it as a failed worker, and the other workers' results still get merged.
    runWorker.addCatch(new sfn.Pass(this, 'WorkerDidNotFinish'), { resultPath: sfn.JsonPath.DISCARD });
    eachWorker.itemProcessor(runWorker);

    const { fn: merge, role: mergeRole } = bundledLambda(this, {
      entry: new URL('./load-test/merge-handler.ts', import.meta.url).pathname,
      description: "Merges a load test's k6 summaries from S3, as the local runner does",
      roleDescription: "Reads the k6 tasks' summaries and writes the merged one",
      logRetention: props.logRetention,
      logRemovalPolicy: props.logRemovalPolicy,
      memorySize: 512,
      timeout: Duration.minutes(1),
      environment: { SUMMARY_BUCKET: runner.summaries.bucketName },
      statements: [
        new iam.PolicyStatement({
          actions: ['s3:GetObject', 's3:PutObject'],
          resources: [runner.summaries.arnForObjects(`${summariesPrefix}*`)],
        }),
      ],
      ids: { logs: 'MergeLogs', role: 'MergeRole', function: 'Merge' },
    });
    this.mergeFunction = merge;
    this.mergeRole = mergeRole;
    const mergeSummaries = new tasks.LambdaInvoke(this, 'MergeSummaries', {
      lambdaFunction: merge,
      payload: sfn.TaskInput.fromObject({ runId, workers: workerNames }),
      payloadResponseOnly: true,
      resultPath: '$.verdict',
      retryOnServiceExceptions: true,
    });

    const load = new sfn.Parallel(this, 'Load', {
      resultSelector: { 'verdict.$': '$[0].verdict' },
      resultPath: '$.load',
    });
    load.branch(
      floors('RaiseFloors', (scaled) => scaled.floorDuringRun)
        .next(new sfn.Pass(this, 'Workers', { result: sfn.Result.fromArray(workerItems), resultPath: '$.workerItems' }))
        .next(eachWorker)
        .next(mergeSummaries),
    );
    load.addCatch(
      floors('RestoreFloorsAfterError', (scaled) => scaled.floor).next(
        new sfn.Fail(this, 'LoadTestErrored', {
          error: 'LoadTestErrored',
          causePath: sfn.JsonPath.jsonToString(sfn.JsonPath.objectAt('$.error')),
        }),
      ),
      { resultPath: '$.error' },
    );
    load.next(floors('RestoreFloors', (scaled) => scaled.floor)).next(
      new sfn.Choice(this, 'Verdict')
        .when(sfn.Condition.booleanEquals('$.load.verdict.passed', true), new sfn.Succeed(this, 'Passed'))
        .otherwise(
          new sfn.Fail(this, 'ThresholdBreached', {
            error: 'LoadTestFailed',
            causePath: sfn.JsonPath.jsonToString(sfn.JsonPath.objectAt('$.load.verdict.failures')),
          }),
        ),
    );

    const afterSmoke = new sfn.Choice(this, 'SmokePassed')
      .when(
        sfn.Condition.not(sfn.Condition.numberEquals('$.smoke.exitCode', 0)),
        new sfn.Fail(this, 'SmokeFailed', { error: 'SmokeFailed', cause: 'the smoke test failed; no load was sent' }),
      )
      .when(sfn.Condition.stringEquals('$.profile', 'smoke'), new sfn.Succeed(this, 'SmokeOnly'))
      .otherwise(load);
    smoke.next(afterSmoke);

    const definition = new sfn.Choice(this, 'CheckInput')
      .when(
        sfn.Condition.and(
          sfn.Condition.isString('$.profile'),
          sfn.Condition.or(...profiles.map((profile) => sfn.Condition.stringEquals('$.profile', profile))),
          sfn.Condition.isPresent('$.k6Args'),
        ),
        smoke,
      )
      .otherwise(
        new sfn.Fail(this, 'BadInput', {
          error: 'BadInput',
          cause: `start with {"profile": "${profiles.join('|')}", "k6Args": ["-e", "KEY=VALUE", ...]}`,
        }),
      );

    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      timeout: props.maxDuration,
      tracingEnabled: true,
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
      comment: 'A k6 load test of this environment: smoke, raise floors, N k6 tasks, merge, restore floors',
    });
    // Registering a scalable target for an ECS service reads and updates that service.
    this.stateMachine.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ecs:DescribeServices', 'ecs:UpdateService'],
        resources: props.services.map((scaled) => scaled.service.serviceArn),
      }),
    );

    if (props.schedule) {
      new scheduler.Schedule(this, 'Schedule', {
        description: `Runs the ${props.schedule.profile} load test`,
        schedule: scheduler.ScheduleExpression.expression(props.schedule.cron),
        target: new schedulerTargets.StepFunctionsStartExecution(this.stateMachine, {
          input: scheduler.ScheduleTargetInput.fromObject({
            profile: props.schedule.profile,
            k6Args: Object.entries(props.schedule.env).flatMap(([key, value]) => ['-e', `${key}=${value}`]),
          } satisfies LoadTestInput),
          retryAttempts: 0,
        }),
      });
    }
  }
}
