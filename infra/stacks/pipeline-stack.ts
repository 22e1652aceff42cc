import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { PipelineTarget } from '../config/schema.ts';
import { GithubDeployRoles } from '../constructs/github-deploy-roles.ts';
import { addOutputs } from './stack-outputs.ts';

export interface PipelineStackProps extends StackProps {
  readonly environmentName: string;
  readonly pipeline: PipelineTarget;
}

/**
 * What the delivery workflow needs in an environment's account: the roles it assumes through GitHub's
 * OIDC provider. Deployed by hand (docs/deploy.md), before the workflow's first run and whenever
 * it changes; the workflow deploys the four application stacks by name, never this one, so a change
 * to who may deploy goes through a person with the account's own credentials.
 */
export class PipelineStack extends Stack {
  public readonly roles: GithubDeployRoles;

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id, props);
    this.roles = new GithubDeployRoles(this, 'GithubDeployRoles', {
      repository: props.pipeline.githubRepository,
      environment: props.environmentName,
      ...(props.pipeline.githubOidcProviderArn ? { existingProviderArn: props.pipeline.githubOidcProviderArn } : {}),
    });
    addOutputs(this, {
      GithubPrepareRoleArn: [this.roles.roles.prepare.roleArn, 'Publishes the images and diffs, before any approval'],
      GithubDeployRoleArn: [this.roles.roles.deploy.roleArn, 'Deploys, in jobs of the GitHub environment'],
      GithubOidcProviderArn: [this.roles.providerArn, 'Give it to the other environments in this account'],
    });
  }
}
