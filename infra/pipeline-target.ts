import { InfraConfigError } from './config/load-environment-config.ts';
import type { EnvironmentConfig } from './config/schema.ts';
import { githubRoleName, type PipelineJob } from './constructs/github-deploy-roles.ts';

/** What the delivery workflow's jobs for one environment act on, derived from its configuration. */
export interface PipelineTarget {
  readonly account: string;
  readonly region: string;
  readonly 'prepare-role': string;
  readonly 'deploy-role': string;
  /**
   * The application stacks and, where the environment has one, the load-test stack, deployed by
   * name: never the pipeline stack, which holds the roles.
   */
  readonly stacks: readonly string[];
  readonly 'public-origin': string;
}

export function pipelineTargetOf(config: Readonly<EnvironmentConfig>): PipelineTarget {
  if (!config.pipeline) {
    throw new InfraConfigError(config.name, [
      'githubRepository: missing, so no workflow may deploy it (docs/deploy.md)',
    ]);
  }
  const partition = config.region.startsWith('cn-')
    ? 'aws-cn'
    : config.region.startsWith('us-gov-')
      ? 'aws-us-gov'
      : 'aws';
  const roleArn = (job: PipelineJob) =>
    `arn:${partition}:iam::${config.account}:role/${githubRoleName(config.name, job)}`;
  return {
    account: config.account,
    region: config.region,
    'prepare-role': roleArn('prepare'),
    'deploy-role': roleArn('deploy'),
    stacks: [...applicationStackNames(config.name), ...(config.loadTest ? [`authscale-${config.name}-loadtest`] : [])],
    'public-origin': `https://${config.edge.publicHostname}`,
  };
}

/** The four stacks `composeAuthscale` makes, in deployment order. */
export function applicationStackNames(environment: string): string[] {
  return ['network', 'data', 'services', 'edge'].map((part) => `authscale-${environment}-${part}`);
}
