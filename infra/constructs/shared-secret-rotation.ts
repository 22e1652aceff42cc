import { Duration } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { bundledLambda } from './bundled-lambda.ts';
import type { ServiceSecret } from './fargate-service.ts';
import type { SharedSecretValue } from './shared-secret-rotation/next-shared-secret.ts';

export interface SharedSecretRotationProps {
  /** The secrets to rotate. Each holds `{previous, current, next}` after its first rotation, which runs at deploy. */
  readonly secrets: readonly secretsmanager.ISecret[];
  /**
   * Days between rotations. Longer than any rolling deployment by far: tasks one rotation apart work
   * together, two apart do not. @default Duration.days(30)
   */
  readonly rotationPeriod?: Duration;
  readonly logRetention: logs.RetentionDays;
}

/**
 * Rotates the secrets the services share (the internal API token, the principal-assertion key)
 * with a small function beside this file (`shared-secret-rotation/`): each rotation makes the
 * published next value current, keeps the current one as previous and publishes a fresh next one.
 * Receivers accept all three and senders use the current one, so the rolling deployments that
 * `RedeployOnRotation` starts after each rotation fail no request (docs/runbooks/rotating-internal-secrets.md).
 */
export class SharedSecretRotation extends Construct {
  public readonly rotationRole: iam.IRole;

  constructor(scope: Construct, id: string, props: SharedSecretRotationProps) {
    super(scope, id);
    const { fn: rotation, role } = bundledLambda(this, {
      entry: new URL('./shared-secret-rotation/rotate-handler.ts', import.meta.url).pathname,
      description: 'Rotates a shared secret: next becomes current, current becomes previous',
      roleDescription: 'Rotates the shared internal secrets; writes only those secrets and its own logs',
      logRetention: props.logRetention,
      ids: { logs: 'Logs', role: 'Role', function: 'Function' },
    });
    this.rotationRole = role;
    for (const secret of props.secrets) {
      // Each schedule grants the function exactly the rotation actions on its secret and that secret's key.
      new secretsmanager.RotationSchedule(this, `${secret.node.id}Rotation`, {
        secret,
        rotationLambda: rotation,
        automaticallyAfter: props.rotationPeriod ?? Duration.days(30),
        // The first rotation turns the generated single value into the three the tasks reference.
        rotateImmediatelyOnUpdate: true,
      });
    }
  }
}

/**
 * The variables a receiver of a shared secret gets (`INTERNAL_API_TOKEN`, `..._PREVIOUS`,
 * `..._NEXT`): one Secrets Manager reference per JSON field, resolved by ECS at task start.
 */
export function rotatingSecretVariables(
  name: string,
  secret: secretsmanager.ISecret,
): Readonly<Record<string, ServiceSecret>> {
  return {
    [name]: currentValueOf(secret),
    [`${name}_PREVIOUS`]: { secret, field: 'previous' satisfies keyof SharedSecretValue },
    [`${name}_NEXT`]: { secret, field: 'next' satisfies keyof SharedSecretValue },
  };
}

/** A sender of a shared secret gets its current value only. */
export function currentValueOf(secret: secretsmanager.ISecret): ServiceSecret {
  return { secret, field: 'current' satisfies keyof SharedSecretValue };
}
