import { DefaultStackSynthesizer, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** The issuer of GitHub Actions' OIDC tokens, and the audience its AWS credentials action asks for. */
export const githubOidcIssuer = 'token.actions.githubusercontent.com';
const stsAudience = 'sts.amazonaws.com';

/** The roles `cdk bootstrap` creates; the workflow only ever acts through them. */
export type BootstrapRole = 'deploy' | 'file-publishing' | 'image-publishing' | 'lookup';

/** The two jobs of the delivery workflow that reach an environment's account. */
export type PipelineJob = 'prepare' | 'deploy';

/** What each job may do, as the bootstrap roles it may assume. */
export const bootstrapRolesOf: Readonly<Record<PipelineJob, readonly BootstrapRole[]>> = {
  // Builds and pushes the images and file assets, and reads the deployed templates for `cdk diff`.
  prepare: ['file-publishing', 'image-publishing', 'lookup'],
  deploy: ['deploy', 'file-publishing', 'image-publishing', 'lookup'],
};

/** Named, so the workflow builds each ARN from the account id alone; the environment keeps it unique. */
export function githubRoleName(environment: string, job: PipelineJob): string {
  return `authscale-${environment}-github-${job}`;
}

export interface GithubDeployRolesProps {
  /** `owner/name`: the only repository whose workflow may assume the roles. */
  readonly repository: string;
  /** The environment's name, which is also the GitHub environment its deploy job runs in. */
  readonly environment: string;
  /** The branch whose runs may prepare a deployment. @default 'main' */
  readonly branch?: string;
  /** @default the stack creates the account's GitHub OIDC provider */
  readonly existingProviderArn?: string;
}

/**
 * What the delivery workflow (`.github/workflows/deliver.yml`) may do in one environment's account,
 * through short-lived OIDC credentials rather than stored keys, and only through the CDK bootstrap roles:
 * - `prepare`, for runs on the main branch: publish the images and assets, and read the deployed
 *   templates for `cdk diff`; it cannot change a stack, so it runs before the approval;
 * - `deploy`, for jobs of the GitHub environment named after this one (prod's has required
 *   reviewers: the manual approval): deploy through CloudFormation as well.
 */
export class GithubDeployRoles extends Construct {
  public readonly roles: Readonly<Record<PipelineJob, iam.Role>>;
  public readonly providerArn: string;

  constructor(scope: Construct, id: string, props: GithubDeployRolesProps) {
    super(scope, id);
    this.providerArn =
      props.existingProviderArn ??
      new iam.OidcProviderNative(this, 'Provider', { url: `https://${githubOidcIssuer}`, clientIds: [stsAudience] })
        .oidcProviderArn;
    const subjects: Record<PipelineJob, string> = {
      prepare: `repo:${props.repository}:ref:refs/heads/${props.branch ?? 'main'}`,
      deploy: `repo:${props.repository}:environment:${props.environment}`,
    };
    this.roles = {
      prepare: this.roleFor('prepare', props.environment, subjects.prepare),
      deploy: this.roleFor('deploy', props.environment, subjects.deploy),
    };
  }

  private roleFor(job: PipelineJob, environment: string, subject: string): iam.Role {
    const stack = Stack.of(this);
    const role = new iam.Role(this, job === 'deploy' ? 'Deploy' : 'Prepare', {
      roleName: githubRoleName(environment, job),
      description: `GitHub Actions (${subject}): ${job} authscale ${environment}`,
      // A first deployment of prod runs longer than the default hour.
      maxSessionDuration: Duration.hours(2),
      assumedBy: new iam.WebIdentityPrincipal(this.providerArn, {
        StringEquals: {
          [`${githubOidcIssuer}:aud`]: stsAudience,
          // One repository, one branch or GitHub environment: another branch or a fork gets nothing.
          [`${githubOidcIssuer}:sub`]: subject,
        },
      }),
    });
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['sts:AssumeRole'],
        resources: bootstrapRolesOf[job].map((name) =>
          stack.formatArn({
            service: 'iam',
            region: '',
            resource: 'role',
            resourceName: `cdk-${DefaultStackSynthesizer.DEFAULT_QUALIFIER}-${name}-role-${stack.account}-${stack.region}`,
          }),
        ),
      }),
    );
    return role;
  }
}
