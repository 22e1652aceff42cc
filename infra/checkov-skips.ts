import { CfnResource, type Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { AuthscaleStacks } from './compose.ts';

/**
 * Every checkov check the prod templates are allowed to fail (`npm run synth` runs checkov after
 * cfn-lint), each on the one resource it concerns with the reason, written into the resource's
 * template metadata where checkov reads it. Like `nag-acknowledgements.ts`, this is the file to
 * review: any other failure fails the synth.
 */
export function skipCheckovChecks(stacks: AuthscaleStacks): void {
  const { network, data, services, edge } = stacks;

  // The functions that run only at deploy or on a rotation, and call AWS APIs only.
  const deployTimeFunctions = [
    [cdkDefaultSecurityGroupHandler(network), 'the EC2 API, to revoke the default security group rules'],
    [
      data.identityProvisioning.runnerFunction,
      'the ECS API (RunTask, DescribeTasks); the task it starts runs in the data subnets',
    ],
  ] as const;
  const rotationFunctions = [
    [data.jwtSigningKeys.node.findChild('Rotation'), 'Secrets Manager; it generates the key pair itself'],
    [data.sharedSecretRotation.node.findChild('Function'), 'Secrets Manager; it generates the values itself'],
  ] as const;
  const redeployFunctions = [...services.redeploysOnRotation, edge.redeployOnRotation].map(
    (redeploy) => [redeploy.function, 'the ECS API (UpdateService on its one service)'] as const,
  );

  for (const [fn, calls] of [...deployTimeFunctions, ...rotationFunctions, ...redeployFunctions]) {
    skip(fn, 'CKV_AWS_117', `It calls only ${calls} and reaches nothing inside the VPC.`);
    skip(
      fn,
      'CKV_AWS_115',
      'It runs at deploy or on a rotation, a few times a month, so it never competes for concurrency; ' +
        'a reservation would lower the account unreserved pool, which Lambda refuses below its minimum, ' +
        'as a fresh account quota can already be.',
    );
  }
  for (const [fn] of deployTimeFunctions) {
    skip(
      fn,
      'CKV_AWS_116',
      'CloudFormation invokes it for a custom resource and fails the deployment when no answer comes ' +
        'within the resource timeout; a queued event could not answer that deployment later.',
    );
  }
  for (const [fn] of rotationFunctions) {
    skip(
      fn,
      'CKV_AWS_116',
      'Secrets Manager calls each rotation step and marks the rotation failed (a RotationFailed event) ' +
        'when one fails; the next attempt starts from the secret state, not from a queued event.',
    );
  }
  for (const [fn] of redeployFunctions) {
    skip(fn, 'CKV_AWS_173', 'Its environment holds the cluster and service names, no secret.');
  }

  skip(
    edge.loadBalancer.accessLogs,
    'CKV_AWS_18',
    'This bucket is the access-log destination itself; logging its access to another bucket would ' +
      'need that bucket logged in turn. Only the log delivery service writes to it.',
  );
  skip(
    edge.canary.artifacts,
    'CKV_AWS_18',
    "Only the sign-in canary writes here (each run's log and report, kept a week); logging that access " +
      'to another bucket would add a bucket to log in turn.',
  );
  skip(
    edge.loadBalancer.securityGroup,
    'CKV_AWS_260',
    'Port 80 only answers a 301 to https:// (its listener has no target), so a browser given the bare ' +
      'host name reaches HTTPS; the edge HSTS header keeps it there.',
  );
}

interface CheckovSkip {
  readonly id: string;
  readonly comment: string;
}

/** Adds one skip to the resource's `checkov` metadata, beside any it has already. */
function skip(construct: IConstruct, id: string, comment: string): void {
  const resource = construct instanceof CfnResource ? construct : construct.node.defaultChild;
  if (!(resource instanceof CfnResource)) throw new TypeError(`${construct.node.path} has no CloudFormation resource`);
  const existing = (resource.getMetadata('checkov') as { skip?: CheckovSkip[] } | undefined)?.skip ?? [];
  resource.addMetadata('checkov', { skip: [...existing, { id, comment }] });
}

/** The function CDK adds to strip the VPC's default security group of its rules (a feature flag). */
function cdkDefaultSecurityGroupHandler(stack: Stack): IConstruct {
  return stack.node.findChild('Custom::VpcRestrictDefaultSGCustomResourceProvider').node.findChild('Handler');
}
