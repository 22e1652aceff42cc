import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { environments } from './environments.ts';
import {
  type DeploymentTarget,
  deploymentTargetSchema,
  type EnvironmentConfig,
  type EnvironmentName,
  type EnvironmentParameters,
  environmentParametersSchema,
  type LoadTestParameters,
} from './schema.ts';

/** A bad or missing parameter, found at synth before any construct is built. */
export class InfraConfigError extends TypeError {
  readonly code = 'ERR_AUTHSCALE_INFRA_CONFIG';
  readonly problems: readonly string[];

  constructor(scope: string, problems: readonly string[]) {
    super(`${scope}: invalid infrastructure configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'InfraConfigError';
    this.problems = problems;
  }
}

// Fargate's valid CPU/memory pairs: memory in whole GiB within these bounds (plus 256 CPU with 512 MiB).
const fargateMemoryRangeMiB = {
  256: [512, 2048],
  512: [1024, 4096],
  1024: [2048, 8192],
  2048: [4096, 16384],
  4096: [8192, 30720],
} as const;

// The retention periods CloudWatch Logs accepts.
const logRetentionPeriods = new Set([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 3653]);

const environmentNames = Object.keys(environments) as EnvironmentName[];

// Text copied from documentation or templates that must never reach a deployment.
const placeholderMarkers = /replace|change[-_ ]?me|todo|example|xxxx|<[^>]*>|\$\{/i;

/** `-c env=<name>`, checked: one of the committed environments. */
export function parseEnvironmentName(name: unknown): EnvironmentName {
  if (typeof name !== 'string' || !environmentNames.includes(name as EnvironmentName)) {
    throw new InfraConfigError('env', [
      `choose an environment with -c env=<${environmentNames.join('|')}> (got ${JSON.stringify(name ?? null)})`,
    ]);
  }
  return name as EnvironmentName;
}

/**
 * The committed parameters of `-c env=<name>`, validated: schema, placeholders, and the relations a
 * schema cannot state. Throws one `InfraConfigError` listing every problem. Enough for tools that
 * need the region or the names (the failover drill); the stacks need `loadEnvironmentConfig`.
 *
 * @param candidates the parameter objects to choose from; tests pass altered copies.
 */
export function loadEnvironmentParameters(
  name: unknown,
  candidates: Readonly<Record<string, unknown>> = environments,
): Readonly<EnvironmentParameters> {
  const environment = parseEnvironmentName(name);
  const candidate = candidates[environment];
  const schemaProblems = problemsAgainst(environmentParametersSchema, candidate);
  if (schemaProblems.length > 0) throw new InfraConfigError(environment, schemaProblems);
  const parameters = structuredClone(candidate) as EnvironmentParameters;
  const problems = [...findPlaceholders(parameters), ...findInconsistencies(environment, parameters)];
  if (problems.length > 0) throw new InfraConfigError(environment, problems);
  return deepFreeze(parameters);
}

/**
 * One environment's parameters joined with the deployment target its team supplied
 * (`resolveDeploymentTarget`, or the test values), both validated, and checked against each other:
 * the certificate is in the environment's account and region, the host name is in the hosted zone.
 */
export function loadEnvironmentConfig(
  name: unknown,
  target: DeploymentTarget,
  candidates: Readonly<Record<string, unknown>> = environments,
): Readonly<EnvironmentConfig> {
  const parameters = loadEnvironmentParameters(name, candidates);
  const targetProblems = problemsAgainst(deploymentTargetSchema, target);
  if (targetProblems.length > 0) throw new InfraConfigError(parameters.name, targetProblems);
  const problems: string[] = [];
  const [, , , certificateRegion, certificateAccount] = target.certificateArn.split(':');
  if (certificateRegion !== parameters.region || certificateAccount !== target.account) {
    problems.push('certificateArn: the certificate must be in the environment account and region');
  }
  if (target.githubOidcProviderArn && !target.githubRepository) {
    problems.push('githubOidcProviderArn: only with githubRepository, the repository it lets deploy');
  }
  if (target.githubOidcProviderArn && target.githubOidcProviderArn.split(':')[4] !== target.account) {
    problems.push('githubOidcProviderArn: the provider must be in the environment account');
  }
  // An alarm nobody receives protects nothing: wherever data is kept, the topic must reach someone at deploy.
  if (parameters.protectData && !target.alarmEmail && !target.alarmHttpsEndpoint) {
    problems.push(
      'alarmEmail, alarmHttpsEndpoint: give at least one; alarms of an environment that protects its data must reach someone',
    );
  }
  const { hostedZoneId, hostedZoneName, publicHostname } = target;
  if ((hostedZoneId === undefined) !== (hostedZoneName === undefined)) {
    problems.push('hostedZoneId, hostedZoneName: give both or neither');
  } else if (hostedZoneName && publicHostname !== hostedZoneName && !publicHostname.endsWith(`.${hostedZoneName}`)) {
    problems.push(`publicHostname: ${publicHostname} is not in the hosted zone ${hostedZoneName}`);
  }
  if (problems.length > 0) throw new InfraConfigError(parameters.name, problems);
  return deepFreeze({
    ...structuredClone(parameters),
    account: target.account,
    ...(target.alarmEmail ? { alarmEmail: target.alarmEmail } : {}),
    ...(target.alarmHttpsEndpoint ? { alarmHttpsEndpoint: target.alarmHttpsEndpoint } : {}),
    ...(target.githubRepository
      ? {
          pipeline: {
            githubRepository: target.githubRepository,
            ...(target.githubOidcProviderArn ? { githubOidcProviderArn: target.githubOidcProviderArn } : {}),
          },
        }
      : {}),
    edge: {
      ...parameters.edge,
      publicHostname,
      certificateArn: target.certificateArn,
      ...(hostedZoneId && hostedZoneName ? { hostedZone: { id: hostedZoneId, name: hostedZoneName } } : {}),
    },
  });
}

function problemsAgainst(schema: TSchema, value: unknown): string[] {
  return Value.Errors(schema, value).map(
    (error) => `${error.instancePath.replace(/^\//, '').replaceAll('/', '.') || '(root)'}: ${error.message}`,
  );
}

function findPlaceholders(parameters: EnvironmentParameters): string[] {
  const problems: string[] = [];
  for (const [path, value] of leafStrings(parameters)) {
    if (placeholderMarkers.test(value)) problems.push(`${path}: "${value}" looks like a placeholder`);
  }
  return problems;
}

function findInconsistencies(name: string, config: EnvironmentParameters): string[] {
  const problems: string[] = [];
  if (config.name !== name) problems.push(`name: "${config.name}" is filed under "${name}"`);
  for (const zone of config.availabilityZones) {
    if (!zone.startsWith(config.region)) problems.push(`availabilityZones: ${zone} is not in ${config.region}`);
  }
  if (config.network.natGateways > config.availabilityZones.length) {
    problems.push('network.natGateways: more NAT gateways than availability zones');
  }
  if (config.aurora.minCapacityAcu > config.aurora.maxCapacityAcu) {
    problems.push('aurora.minCapacityAcu: above maxCapacityAcu');
  }
  if (config.aurora.readers >= config.availabilityZones.length) {
    problems.push('aurora.readers: place at most one reader per remaining availability zone');
  }
  if (config.redis.port === 6379) problems.push('redis.port: use a port other than the default 6379');
  const tasks = [
    ...(['edge', 'session', 'orchestrator'] as const).map(
      (service) => [`services.${service}`, config.services[service]] as const,
    ),
    ['webhooks.dispatcher', config.webhooks.dispatcher] as const,
    ['adminApi', config.adminApi] as const,
  ];
  for (const [path, sizing] of tasks) {
    if ('minTasks' in sizing && sizing.minTasks > sizing.maxTasks) problems.push(`${path}.minTasks: above maxTasks`);
    const [lowest, highest] = fargateMemoryRangeMiB[sizing.cpu];
    if (sizing.memoryMiB < lowest || sizing.memoryMiB > highest || sizing.memoryMiB % 1024 !== 0) {
      if (!(sizing.cpu === 256 && sizing.memoryMiB === 512)) {
        problems.push(`${path}.memoryMiB: Fargate runs ${sizing.cpu} CPU units with ${lowest}-${highest} MiB`);
      }
    }
  }
  // The port sits in private subnets, but a /0 rule would admit every network routed to them.
  for (const cidr of config.adminApi.allowedCidrs.filter((candidate) => candidate.endsWith('/0'))) {
    problems.push(`adminApi.allowedCidrs: ${cidr} admits every address; name the operators' networks`);
  }
  if (!logRetentionPeriods.has(config.services.logRetentionDays)) {
    problems.push(`services.logRetentionDays: CloudWatch Logs keeps ${[...logRetentionPeriods].join(', ')} days`);
  }
  if (config.waf.authPerIpRequestsPer5Min >= config.waf.perIpRequestsPer5Min) {
    problems.push('waf.authPerIpRequestsPer5Min: must be stricter than perIpRequestsPer5Min');
  }
  if (config.loadTest) problems.push(...loadTestProblems(config, config.loadTest));
  return problems;
}

function loadTestProblems(config: EnvironmentParameters, loadTest: LoadTestParameters): string[] {
  // It exempts load generators from the WAF rate rules and raises the edge's limits for every client.
  if (config.name === 'prod') return ['loadTest: never in prod; run load tests against dev or staging'];
  const problems: string[] = [];
  const [lowest, highest] = fargateMemoryRangeMiB[loadTest.worker.cpu];
  if (loadTest.worker.memoryMiB < lowest || loadTest.worker.memoryMiB > highest || loadTest.worker.memoryMiB % 1024) {
    problems.push(
      `loadTest.worker.memoryMiB: Fargate runs ${loadTest.worker.cpu} CPU units with ${lowest}-${highest} MiB`,
    );
  }
  for (const service of ['edge', 'session', 'orchestrator'] as const) {
    const { minTasks, maxTasks } = config.services[service];
    if (loadTest.floors[service] < minTasks || loadTest.floors[service] > maxTasks) {
      problems.push(`loadTest.floors.${service}: between services.${service}.minTasks and maxTasks`);
    }
  }
  return problems;
}

function* leafStrings(value: unknown, path = ''): Generator<[string, string]> {
  if (typeof value === 'string') yield [path, value];
  else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) yield* leafStrings(child, path ? `${path}.${key}` : key);
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
