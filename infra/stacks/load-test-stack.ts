import { Duration, type RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { EnvironmentConfig, LoadTestParameters } from '../config/schema.ts';
import { LoadTestRunner } from '../constructs/load-test-runner.ts';
import { LoadTestStateMachine } from '../constructs/load-test-state-machine.ts';
import type { EdgeStack } from './edge-stack.ts';
import type { ServicesStack } from './services-stack.ts';
import { addOutputs } from './stack-outputs.ts';

export interface LoadTestStackProps extends StackProps {
  readonly config: Pick<EnvironmentConfig, 'name' | 'services' | 'edge'> & { readonly loadTest: LoadTestParameters };
  readonly vpc: ec2.IVpc;
  readonly serviceSubnets: ec2.SubnetSelection;
  /** The `load-tests/` folder, the k6 image's build context. */
  readonly loadTestsDirectory: string;
  readonly services: Pick<ServicesStack, 'cluster' | 'session' | 'orchestrator'>;
  readonly edge: Pick<EdgeStack, 'edge' | 'loadBalancer'>;
  readonly logRetention: logs.RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
}

/**
 * k6 against this environment from inside its VPC (docs/load-testing.md, "On AWS"): the k6 tasks
 * and their summaries bucket, and the state machine that runs a profile end to end. Only where the
 * environment's parameters have a `loadTest` block, which prod's may not.
 */
export class LoadTestStack extends Stack {
  public readonly runner: LoadTestRunner;
  public readonly run: LoadTestStateMachine;

  constructor(scope: Construct, id: string, props: LoadTestStackProps) {
    super(scope, id, props);
    const { config, services } = props;
    const { loadTest } = config;

    this.runner = new LoadTestRunner(this, 'Runner', {
      environment: config.name,
      vpc: props.vpc,
      subnets: props.serviceSubnets,
      loadTestsDirectory: props.loadTestsDirectory,
      cpuArchitecture: config.services.cpuArchitecture,
      cpu: loadTest.worker.cpu,
      memoryMiB: loadTest.worker.memoryMiB,
      baseUrl: `https://${config.edge.publicHostname}`,
      stopOn: props.edge.loadBalancer.edgeAlarms,
      logRetention: props.logRetention,
      logRemovalPolicy: props.logRemovalPolicy,
      summaryRetention: Duration.days(90),
    });
    this.run = new LoadTestStateMachine(this, 'Run', {
      runner: this.runner,
      workers: loadTest.workers,
      maxDuration: Duration.minutes(loadTest.maxDurationMinutes),
      servicesClusterName: services.cluster.clusterName,
      services: [
        { name: 'Edge', service: props.edge.edge.service, sizing: config.services.edge, during: loadTest.floors.edge },
        {
          name: 'Session',
          service: services.session.service,
          sizing: config.services.session,
          during: loadTest.floors.session,
        },
        {
          name: 'Orchestrator',
          service: services.orchestrator.service,
          sizing: config.services.orchestrator,
          during: loadTest.floors.orchestrator,
        },
      ].map(({ name, service, sizing, during }) => ({ name, service, floor: sizing.minTasks, floorDuringRun: during })),
      ...(loadTest.schedule ? { schedule: loadTest.schedule } : {}),
      logRetention: props.logRetention,
      logRemovalPolicy: props.logRemovalPolicy,
    });

    addOutputs(this, {
      StateMachineArn: [
        this.run.stateMachine.stateMachineArn,
        'npm run loadtest -- --env <env> --profile <name> starts this state machine',
      ],
      SummaryBucketName: [this.runner.summaries.bucketName, 'Each run: summaries/<execution name>/summary.json'],
      LoadTestLogGroupName: [this.runner.logGroup.logGroupName, 'The k6 tasks output'],
    });
  }
}
