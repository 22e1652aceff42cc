import { ArnFormat, Duration, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export interface LogsKeyProps {
  /** RETAIN wherever log groups are retained: a retained log group is unreadable without its key. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The customer-managed key every CloudWatch Logs group of the environment is encrypted with
 * (`EncryptLogGroups` in `infra/policy-aspects.ts` applies it). Container logs can carry request ids,
 * addresses and error causes; this keeps reading them behind a key policy as well as IAM. Only the
 * CloudWatch Logs service of this region may use it, and only for log groups of this account.
 */
export class LogsKey extends Construct {
  public readonly key: kms.IKey;

  constructor(scope: Construct, id: string, props: LogsKeyProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const key = new kms.Key(this, 'Key', {
      description: 'authscale: encrypts every CloudWatch Logs group of the environment',
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy,
      pendingWindow: Duration.days(7),
    });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
              service: 'logs',
              resource: 'log-group',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    this.key = key;
  }
}
