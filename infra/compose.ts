import { type App, Aspects, RemovalPolicy, Tags, Validations } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { skipCheckovChecks } from './checkov-skips.ts';
import type { EnvironmentConfig } from './config/schema.ts';
import { acknowledgeNagFindings } from './nag-acknowledgements.ts';
import { ConfineServiceInvocations, EncryptLogGroups } from './policy-aspects.ts';
import { DataStack } from './stacks/data-stack.ts';
import { EdgeStack } from './stacks/edge-stack.ts';
import { LoadTestStack } from './stacks/load-test-stack.ts';
import { NetworkStack } from './stacks/network-stack.ts';
import { PipelineStack } from './stacks/pipeline-stack.ts';
import { ServicesStack } from './stacks/services-stack.ts';

/** The Docker build context of every service image: the repository root, which holds the workspace lockfile. */
const repositoryRoot = new URL('..', import.meta.url).pathname;
/** The k6 image's build context. */
const loadTestsDirectory = new URL('../load-tests', import.meta.url).pathname;

export interface AuthscaleStacks {
  readonly network: NetworkStack;
  readonly data: DataStack;
  readonly services: ServicesStack;
  readonly edge: EdgeStack;
}

/** The application stacks, and the load-test stack where the environment has one. */
export type ComposedStacks = AuthscaleStacks & { readonly loadTest?: LoadTestStack };

/**
 * The one place the stacks are wired together, shared by `bin/app.ts` and the tests so they cannot
 * drift. Adds the AwsSolutions checks: any unacknowledged finding fails synth.
 */
export function composeAuthscale(app: App, config: Readonly<EnvironmentConfig>): ComposedStacks {
  const env = { account: config.account, region: config.region };
  // On the stacks themselves (explicitStackTags), and below on every resource in their templates.
  const tags = { project: 'authscale', environment: config.name };
  const prefix = `authscale-${config.name}`;
  const logRetention = config.services.logRetentionDays as logs.RetentionDays;
  const logRemovalPolicy = config.protectData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

  const network = new NetworkStack(app, `${prefix}-network`, {
    env,
    tags,
    description: `authscale ${config.name}: VPC, endpoints, flow logs, alarm topic`,
    cidr: config.network.cidr,
    availabilityZones: config.availabilityZones,
    natGateways: config.network.natGateways,
    logRetention,
    logRemovalPolicy,
    alarmEmail: config.alarmEmail,
    alarmHttpsEndpoint: config.alarmHttpsEndpoint,
  });
  const alarmAction = network.alarms.action;
  const vpc = network.network.vpc;

  const data = new DataStack(app, `${prefix}-data`, {
    env,
    tags,
    description: `authscale ${config.name}: Aurora, ElastiCache, DynamoDB, secrets (stateful)`,
    terminationProtection: config.protectData,
    config,
    vpc,
    dataSubnets: network.network.dataSubnets,
    secretsManagerEndpoint: network.network.secretsManagerEndpoint,
    alarmAction,
    logRetention,
    repositoryRoot,
  });

  const services = new ServicesStack(app, `${prefix}-services`, {
    env,
    tags,
    description: `authscale ${config.name}: ECS cluster, session replicas, orchestrator`,
    config,
    vpc,
    serviceSubnets: network.network.serviceSubnets,
    data,
    repositoryRoot,
    logRetention,
    logRemovalPolicy,
    alarmAction,
    alarmTopic: network.alarms.topic,
  });

  const edge = new EdgeStack(app, `${prefix}-edge`, {
    env,
    tags,
    description: `authscale ${config.name}: load balancer, WAF, edge service, dashboard`,
    config,
    vpc,
    publicSubnets: { subnetGroupName: 'public' },
    serviceSubnets: network.network.serviceSubnets,
    data,
    services,
    repositoryRoot,
    logRetention,
    logRemovalPolicy,
    alarmAction,
    ...(config.loadTest ? { loadTestAddresses: network.network.natAddresses } : {}),
  });

  const loadTest = config.loadTest
    ? new LoadTestStack(app, `${prefix}-loadtest`, {
        env,
        tags,
        description: `authscale ${config.name}: k6 load tests from inside the VPC (never in prod)`,
        config: { ...config, loadTest: config.loadTest },
        vpc,
        serviceSubnets: network.network.serviceSubnets,
        loadTestsDirectory,
        services,
        edge,
        logRetention,
        logRemovalPolicy,
      })
    : undefined;

  for (const stack of [network, data, services, edge, ...(loadTest ? [loadTest] : [])]) {
    for (const [key, value] of Object.entries(tags)) Tags.of(stack).add(key, value);
    Aspects.of(stack).add(new EncryptLogGroups(network.logsKey.key));
    Aspects.of(stack).add(new ConfineServiceInvocations());
  }

  const stacks = { network, data, services, edge, ...(loadTest ? { loadTest } : {}) };
  acknowledgeNagFindings(stacks, config);
  skipCheckovChecks(stacks);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stacks;
}

/**
 * The environment's pipeline stack (the roles the delivery workflow assumes), when the deployment
 * target names a GitHub repository; composed beside the application stacks, under the same checks.
 */
export function composePipeline(app: App, config: Readonly<EnvironmentConfig>): PipelineStack | undefined {
  if (!config.pipeline) return undefined;
  const stack = new PipelineStack(app, `authscale-${config.name}-pipeline`, {
    env: { account: config.account, region: config.region },
    tags: { project: 'authscale', environment: config.name },
    description: `authscale ${config.name}: the roles the delivery workflow assumes (GitHub OIDC)`,
    environmentName: config.name,
    pipeline: config.pipeline,
  });
  return stack;
}
