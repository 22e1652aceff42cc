import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

export interface BundledLambdaProps {
  /** The handler module (exporting `handler`), bundled as ESM. */
  entry: string;
  description: string;
  /** What the role may do, in words. */
  roleDescription: string;
  /** What the role may do beyond writing its logs (and sending to `deadLetterQueue`). */
  statements?: iam.PolicyStatement[];
  logRetention: logs.RetentionDays;
  logRemovalPolicy?: RemovalPolicy;
  /** @default 128 */
  memorySize?: number;
  /** @default 30 seconds */
  timeout?: Duration;
  environment?: Record<string, string>;
  deadLetterQueue?: sqs.IQueue;
  /**
   * The construct ids of the log group, the role and the function, in `scope`. They name the
   * deployed resources, so a function keeps the ids it was first deployed with.
   */
  ids: { logs: string; role: string; function: string };
}

/**
 * A deploy- or rotation-time function as every one of ours is built: Node 24 on ARM, bundled with
 * esbuild, a log group of its own and a role that may write to it and do what `statements` say.
 */
export function bundledLambda(scope: Construct, props: BundledLambdaProps) {
  const logGroup = new logs.LogGroup(scope, props.ids.logs, {
    retention: props.logRetention,
    ...(props.logRemovalPolicy ? { removalPolicy: props.logRemovalPolicy } : {}),
  });
  const role = new iam.Role(scope, props.ids.role, {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: props.roleDescription,
  });
  logGroup.grantWrite(role);
  for (const statement of props.statements ?? []) role.addToPrincipalPolicy(statement);
  const fn = new nodejs.NodejsFunction(scope, props.ids.function, {
    entry: props.entry,
    handler: 'handler',
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    memorySize: props.memorySize ?? 128,
    timeout: props.timeout ?? Duration.seconds(30),
    role,
    logGroup,
    description: props.description,
    ...(props.environment ? { environment: props.environment } : {}),
    ...(props.deadLetterQueue ? { deadLetterQueue: props.deadLetterQueue } : {}),
    bundling: { format: nodejs.OutputFormat.ESM, minify: true, sourceMap: false, logLevel: nodejs.LogLevel.WARNING },
  });
  return { fn, role };
}
