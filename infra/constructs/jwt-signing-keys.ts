import type { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { bundledLambda } from './bundled-lambda.ts';

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

    const { fn: rotation, role } = bundledLambda(this, {
      entry: new URL('./jwt-signing-keys/rotate-handler.ts', import.meta.url).pathname,
      description: 'Generates and rotates the ES256 JWT signing key set',
      roleDescription: 'Rotates the JWT signing key set; writes only that secret and its own logs',
      logRetention: props.logRetention,
      logRemovalPolicy: props.removalPolicy,
      memorySize: 256,
      ids: { logs: 'RotationLogs', role: 'RotationRole', function: 'Rotation' },
    });
    this.rotationRole = role;
    // The schedule grants the function exactly the rotation actions on this secret and its key.
    secret.addRotationSchedule('Rotation', {
      rotationLambda: rotation,
      automaticallyAfter: props.rotationPeriod,
      rotateImmediatelyOnUpdate: true,
    });
    this.secret = secret;
  }
}
