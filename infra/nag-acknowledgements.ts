import { type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { ComposedStacks } from './compose.ts';
import type { EnvironmentConfig } from './config/schema.ts';

/**
 * Every finding this app accepts (cdk-nag's AwsSolutions pack and the CDK's own template checks),
 * each on the one resource it concerns, narrowed to the exact finding, with the reason. This is the
 * file to review: an AwsSolutions finding not listed here fails synth.
 */
export function acknowledgeNagFindings(stacks: ComposedStacks, config: Readonly<EnvironmentConfig>): void {
  const { network, data, services, edge, loadTest } = stacks;
  const acknowledge = (construct: IConstruct, id: string, reason: string) =>
    Validations.of(construct).acknowledge({ id, reason });

  acknowledge(
    network.network.vpc,
    'CloudFormation-Validate::W3010',
    'The zones are configuration so synth needs no AWS lookup; each environment lists the zones of its own account.',
  );
  acknowledge(
    edge.loadBalancer.securityGroup,
    'AwsSolutions-EC23',
    'The internet-facing load balancer accepts 443 (and 80, only to redirect) from anywhere; WAF filters in front.',
  );
  acknowledge(
    edge.loadBalancer.accessLogs,
    'AwsSolutions-S1',
    'This bucket is the access-log destination itself; logging its access to another bucket adds nothing.',
  );

  const containerServices = [services.session, services.orchestrator, edge.edge];
  for (const service of containerServices) {
    acknowledge(
      service.executionRole,
      'AwsSolutions-IAM5[Resource::*]',
      'ecr:GetAuthorizationToken has no resource-level permissions; every other statement names its resources.',
    );
    acknowledge(
      service.taskRole,
      'AwsSolutions-IAM5[Resource::*]',
      'The collector sidecar writes trace segments with xray:PutTraceSegments and xray:PutTelemetryRecords, ' +
        'which have no resource-level permissions; its metrics go to one named log group.',
    );
    acknowledge(
      service.taskDefinition,
      'AwsSolutions-ECS2',
      'Plain environment variables carry only endpoints, names, ports and switches; every secret is an ecs.Secret.',
    );
  }

  // The webhook dispatcher sends no traces, so its task role has no statement on *.
  const dispatcher = services.webhookDispatcher;
  acknowledge(
    dispatcher.executionRole,
    'AwsSolutions-IAM5[Resource::*]',
    'ecr:GetAuthorizationToken has no resource-level permissions; every other statement names its resources.',
  );
  acknowledge(
    dispatcher.taskDefinition,
    'AwsSolutions-ECS2',
    'Plain environment variables carry only the proxy endpoint, names, the region and switches; the database ' +
      'user and the TOTP key are ecs.Secret references.',
  );

  // The admin API sends traces like the services, and holds the channels ECS Exec opens.
  const adminApi = services.adminApi;
  acknowledge(
    adminApi.executionRole,
    'AwsSolutions-IAM5[Resource::*]',
    'ecr:GetAuthorizationToken has no resource-level permissions; every other statement names its resources.',
  );
  acknowledge(
    adminApi.taskRole,
    'AwsSolutions-IAM5[Resource::*]',
    'xray:PutTraceSegments and xray:PutTelemetryRecords (the collector sidecar) and the ssmmessages channel ' +
      'actions ECS Exec needs have no resource-level permissions; who may open a session is decided by ' +
      'ecs:ExecuteCommand on the caller, and every other statement names its resources.',
  );
  acknowledge(
    adminApi.taskDefinition,
    'AwsSolutions-ECS2',
    'Plain environment variables carry only endpoints, names, ports, the region and switches; the database ' +
      'user, the internal API token and the TOTP key are ecs.Secret references.',
  );

  for (const rotationRole of [data.jwtSigningKeys.rotationRole, data.sharedSecretRotation.rotationRole]) {
    acknowledge(
      rotationRole,
      'AwsSolutions-IAM5[Resource::*]',
      'secretsmanager:GetRandomPassword, added by the rotation schedule, has no resource-level permissions.',
    );
  }
  acknowledge(
    data.redis.replicationGroup,
    'AwsSolutions-AEC6',
    'Clients authenticate as RBAC users (a user group with one user per service, default off), which replace ' +
      'the single AUTH token this rule looks for; ElastiCache refuses both on one replication group.',
  );
  for (const secret of data.redis.allUserSecrets) {
    acknowledge(
      secret,
      'AwsSolutions-SMG4',
      'A Redis user holds two passwords during a rotation (add the new one, redeploy the service, remove ' +
        'the old one), run by the runbook in docs/deploy.md; a scheduled rotation would drop clients mid-traffic.',
    );
  }
  acknowledge(
    data.totpEncryptionKey,
    'AwsSolutions-SMG4',
    'Rotation adds a key id (TOTP_PREVIOUS_ENCRYPTION_KEYS keeps the old one readable, docs/mfa.md) and redeploys.',
  );

  acknowledge(
    data.aurora.cluster.node.findChild('MonitoringRole'),
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole]',
    'The role RDS enhanced monitoring assumes; AWS maintains this policy, which writes the OS metrics to the ' +
      'RDSOSMetrics log group and nothing else.',
  );

  const provisioning = data.identityProvisioning;
  acknowledge(
    provisioning.executionRole,
    'AwsSolutions-IAM5[Resource::*]',
    'ecr:GetAuthorizationToken has no resource-level permissions; every other statement names its resources.',
  );
  acknowledge(
    provisioning.taskDefinition,
    'AwsSolutions-ECS2',
    'Plain environment variables carry only the proxy endpoint, port, database names and TLS mode; the ' +
      'credentials are ecs.Secret references.',
  );
  const stack = Stack.of(provisioning);
  const clusterId = stack.getLogicalId(provisioning.cluster.node.defaultChild as CfnElement);
  acknowledge(
    provisioning.runnerRole,
    `AwsSolutions-IAM5[Resource::arn:${stack.partition}:ecs:${stack.region}:${stack.account}:task/<${clusterId}>/*]`,
    'A task id exists only once RunTask returns: DescribeTasks and StopTask on the tasks of the provisioning ' +
      'cluster, which runs nothing else.',
  );

  acknowledge(
    data.canaryCredentials,
    'AwsSolutions-SMG4',
    "The canary user's password lives in the application database as well; a rotation would have to change " +
      'both, so it is changed by hand with the user (docs/deploy.md, "Canary").',
  );
  const canary = edge.canary;
  acknowledge(
    canary.artifacts,
    'AwsSolutions-S1',
    "Only the canary writes here (each run's log and report, kept a week); logging that access to another " +
      'bucket would add a bucket to log in turn.',
  );
  const canaryRole = canary.canary.role;
  const edgeStack = Stack.of(canary);
  acknowledge(
    canaryRole,
    'AwsSolutions-IAM5[Resource::*]',
    'Added by the Synthetics construct: s3:ListAllMyBuckets has no resource-level permissions, and ' +
      'cloudwatch:PutMetricData is limited to the CloudWatchSynthetics namespace by condition.',
  );
  acknowledge(
    canaryRole,
    `AwsSolutions-IAM5[Resource::<${edgeStack.getLogicalId(canary.artifacts.node.defaultChild as CfnElement)}.Arn>/*]`,
    "The canary writes each run's artifacts under keys it names at run time, in its own bucket.",
  );
  acknowledge(
    canaryRole,
    `AwsSolutions-IAM5[Resource::arn:${edgeStack.partition}:logs:${edgeStack.region}:${edgeStack.account}:log-group:/aws/lambda/cwsyn-*]`,
    'Synthetics names the canary function (and so its log group) cwsyn-<canary name>-<id> when it creates it.',
  );

  if (loadTest) {
    const { runner, run } = loadTest;
    const stack = Stack.of(runner);
    const logicalId = (construct: IConstruct) => stack.getLogicalId(construct.node.defaultChild as CfnElement);
    const summaryObjects = `AwsSolutions-IAM5[Resource::<${logicalId(runner.summaries)}.Arn>/summaries/*]`;
    acknowledge(
      runner.summaries,
      'AwsSolutions-S1',
      'It holds only load-test summaries, written by the k6 task role and the merge function; the ' +
        'state machine history records every run that wrote them.',
    );
    acknowledge(
      runner.taskDefinition,
      'AwsSolutions-ECS2',
      'Plain environment variables carry only the public origin, the bucket name, HOME and the run and ' +
        'segment the state machine passes; the k6 task holds no secret.',
    );
    acknowledge(
      runner.taskDefinition,
      summaryObjects,
      'Each run writes summaries/<execution name>/<worker>.json: the key exists only once a run starts; the ' +
        'task may put objects under that prefix and do nothing else.',
    );
    acknowledge(
      runner.taskDefinition,
      'AwsSolutions-IAM5[Resource::*]',
      'ecr:GetAuthorizationToken has no resource-level permissions; every other statement names its resources.',
    );
    acknowledge(
      run.mergeRole,
      summaryObjects,
      "It reads the run's worker summaries and writes its merged summary, under keys named by the execution.",
    );
    acknowledge(
      runner.stopRole,
      'AwsSolutions-IAM5[Resource::*]',
      'ecs:ListTasks takes no resource; a condition confines it to the load-test cluster.',
    );
    const clusterId = logicalId(runner.cluster);
    acknowledge(
      runner.stopRole,
      `AwsSolutions-IAM5[Resource::arn:${stack.partition}:ecs:${stack.region}:${stack.account}:task/<${clusterId}>/*]`,
      'It stops whichever k6 tasks are running, ids it learns from ListTasks: the tasks of the load-test ' +
        'cluster, which runs nothing else.',
    );
    acknowledge(
      run.stateMachine,
      'AwsSolutions-IAM5[Resource::*]',
      "EcsRunTask's .sync integration grants ecs:DescribeTasks and ecs:StopTask on any task (a task id " +
        'exists only once RunTask returns); log delivery and X-Ray tracing actions have no resource-level ' +
        'permissions.',
    );
    acknowledge(
      run.stateMachine,
      `AwsSolutions-IAM5[Resource::arn:${stack.partition}:application-autoscaling:${stack.region}:${stack.account}:scalable-target/*]`,
      'A scalable target ARN ends in an id Application Auto Scaling generates; the call names the ECS ' +
        'service, and the role may describe and update only the three services.',
    );
    acknowledge(
      run.stateMachine,
      `AwsSolutions-IAM5[Resource::<${logicalId(run.mergeFunction)}.Arn>:*]`,
      "LambdaInvoke grants the merge function and its versions; it invokes that one function's latest.",
    );
  }

  if (!config.protectData) {
    acknowledge(
      data.aurora.cluster,
      'AwsSolutions-RDS10',
      `${config.name} is disposable: protectData is off so the stack can be deleted; staging and prod protect it.`,
    );
  }
}
