import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

export interface JwtSigningKeysProps {
  readonly encryptionKey: kms.IKey;
  readonly rotationPeriod: Duration;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The access-token signing keys: an ES256 JWK set in Secrets Manager, encrypted with the stack's key,
 * generated and rotated by a small function beside this file (`jwt-signing-keys/rotate-handler.ts`).
 * The orchestrator signs in-process with jose; see docs/deploy.md for why not KMS signing.
 * The first rotation runs at deploy and replaces the bootstrap value with a real key set.
 */
export class JwtSigningKeys extends Construct {
  public readonly secret: secretsmanager.ISecret;
  public readonly rotationRole: iam.IRole;

  constructor(scope: Construct, id: string, props: JwtSigningKeysProps) {
    super(scope, id);
    const secret = new secretsmanager.Secret(this, 'Secret', {
      description: 'authscale access-token signing keys (ES256 JWK set; keys[0] signs)',
      encryptionKey: props.encryptionKey,
      removalPolicy: props.removalPolicy,
    });

    const logGroup = new logs.LogGroup(this, 'RotationLogs', {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    const role = new iam.Role(this, 'RotationRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Rotates the JWT signing key set; writes only that secret and its own logs',
    });
    logGroup.grantWrite(role);
    this.rotationRole = role;
    const rotation = new nodejs.NodejsFunction(this, 'Rotation', {
      entry: new URL('./jwt-signing-keys/rotate-handler.ts', import.meta.url).pathname,
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(30),
      role,
      logGroup,
      description: 'Generates and rotates the ES256 JWT signing key set',
      bundling: { format: nodejs.OutputFormat.ESM, minify: true, sourceMap: false, logLevel: nodejs.LogLevel.WARNING },
    });
    // The schedule grants the function exactly the rotation actions on this secret and its key.
    secret.addRotationSchedule('Rotation', {
      rotationLambda: rotation,
      automaticallyAfter: props.rotationPeriod,
      rotateImmediatelyOnUpdate: true,
    });
    this.secret = secret;
  }
}
