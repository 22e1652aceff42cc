import { type IAspect, Stack, Token } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { IConstruct } from 'constructs';

/**
 * App-wide rules applied once to every resource of a type, so a construct added later follows them
 * without remembering to: they are policy, like the cdk-nag checks, not per-resource choices.
 */

/** Every log group without a key of its own is encrypted with the environment's logs key. */
export class EncryptLogGroups implements IAspect {
  private readonly key: kms.IKey;

  constructor(key: kms.IKey) {
    this.key = key;
  }

  visit(node: IConstruct): void {
    if (node instanceof logs.CfnLogGroup && node.kmsKeyId === undefined) node.kmsKeyId = this.key.keyArn;
  }
}

/**
 * A permission that lets an AWS service invoke a function is limited to this account when no source
 * ARN limits it already (Secrets Manager rotation schedules add theirs without either), so another
 * account cannot have the service call our function on its behalf (the confused deputy).
 */
export class ConfineServiceInvocations implements IAspect {
  visit(node: IConstruct): void {
    if (!(node instanceof lambda.CfnPermission)) return;
    const principal = node.principal;
    const isServicePrincipal = !Token.isUnresolved(principal) && principal.endsWith('.amazonaws.com');
    if (isServicePrincipal && node.sourceArn === undefined && node.sourceAccount === undefined) {
      node.sourceAccount = Stack.of(node).account;
    }
  }
}
