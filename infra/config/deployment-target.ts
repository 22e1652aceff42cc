import { existsSync, readFileSync } from 'node:fs';
import { InfraConfigError, loadEnvironmentConfig, parseEnvironmentName } from './load-environment-config.ts';
import type { DeploymentTarget, EnvironmentConfig, EnvironmentName } from './schema.ts';
import { testDeploymentTargets } from './test-deployment-targets.ts';

/** The local file a team keeps its deployment targets in, at the repository root; never committed. */
export const deploymentFileName = 'authscale.local.json';

/** The context keys `bin/app.ts` reads, besides `env`. */
export const contextKeys = Object.freeze({
  /** `true`: synthesize with the documented test values (`test-deployment-targets.ts`), as CI does. */
  testValues: 'authscale:testValues',
  /** Another path for the deployment file. */
  deploymentFile: 'authscale:deploymentFile',
});

const targetFields = [
  'account',
  'certificateArn',
  'publicHostname',
  'hostedZoneId',
  'hostedZoneName',
  'alarmEmail',
  'alarmHttpsEndpoint',
  'githubRepository',
  'githubOidcProviderArn',
] as const satisfies ReadonlyArray<keyof DeploymentTarget>;
type TargetField = (typeof targetFields)[number];

const requiredFields = new Set<TargetField>(['account', 'certificateArn', 'publicHostname']);

/** What each value is, for the message that asks for it. */
const fieldHints: Readonly<Record<TargetField, string>> = {
  account: '<12-digit AWS account id>',
  certificateArn: '<ACM certificate ARN in the environment region>',
  publicHostname: '<host name clients use>',
  hostedZoneId: '<Route 53 public hosted zone id>',
  hostedZoneName: '<that zone name>',
  alarmEmail: '<address>',
  alarmHttpsEndpoint: '<https://... URL of an SNS-capable paging or chat integration>',
  githubRepository: '<owner/name>',
  githubOidcProviderArn: '<arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com>',
};

/** The context key that supplies one deployment-target value on the command line. */
export function contextKeyOf(field: TargetField): string {
  return `authscale:${field}`;
}

/** The deployment file, read: its path for messages and its parsed JSON. */
export interface DeploymentFile {
  readonly path: string;
  readonly contents: unknown;
}

export interface DeploymentTargetSources {
  /** One context value (`-c key=value`, cdk.json); `bin/app.ts` passes `app.node.tryGetContext`. */
  readonly context: (key: string) => unknown;
  /** The deployment file, when there is one. */
  readonly file?: DeploymentFile;
}

/**
 * Reads the deployment file when it exists; a file that is not JSON is an error, not an absence, and
 * so is a `required` one (a path the team named) that does not exist.
 */
export function readDeploymentFile(path: string, { required = false } = {}): DeploymentFile | undefined {
  if (!existsSync(path)) {
    if (required) throw new InfraConfigError(contextKeys.deploymentFile, [`${path} does not exist`]);
    return undefined;
  }
  try {
    return { path, contents: JSON.parse(readFileSync(path, 'utf8')) };
  } catch (error) {
    throw new InfraConfigError(deploymentFileName, [`${path}: not JSON (${(error as Error).message})`]);
  }
}

/**
 * The values the team deploying `environment` supplies, each from `-c authscale:<field>=<value>` or,
 * failing that, from `"<environment>": { "<field>": ... }` in the deployment file. Throws one
 * `InfraConfigError` that names every missing value and where to put it, every unknown key (a typo
 * would otherwise drop a value silently), and every documented test value or placeholder: those
 * synthesize, but must never be deployed. Shapes are checked by `loadEnvironmentConfig`.
 */
export function resolveDeploymentTarget(
  environment: EnvironmentName,
  { context, file }: DeploymentTargetSources,
): DeploymentTarget {
  const problems: string[] = [];
  const fromFile = fileSection(environment, file, problems);
  const target: Record<string, string> = {};
  for (const field of targetFields) {
    const value = context(contextKeyOf(field)) ?? fromFile[field];
    if (value === undefined || value === '') {
      if (requiredFields.has(field)) problems.push(`${field}: missing; ${whereToSupply(environment, field)}`);
      continue;
    }
    target[field] = String(value);
  }
  problems.push(...testValuesIn(target));
  if (problems.length > 0) throw new InfraConfigError(environment, problems);
  return target as unknown as DeploymentTarget;
}

/**
 * What `bin/app.ts` builds the stacks from: the environment `-c env` names, with its team's
 * deployment target, or with the test values when `-c authscale:testValues=true` (the deployment
 * file and the `authscale:<field>` keys are then ignored).
 */
export function loadEnvironmentConfigFromContext(sources: DeploymentTargetSources): Readonly<EnvironmentConfig> {
  const environment = parseEnvironmentName(sources.context('env'));
  const testValues = sources.context(contextKeys.testValues);
  const target =
    testValues === true || testValues === 'true'
      ? testDeploymentTargets[environment]
      : resolveDeploymentTarget(environment, sources);
  return loadEnvironmentConfig(environment, target);
}

function whereToSupply(environment: EnvironmentName, field: TargetField): string {
  return (
    `pass -c ${contextKeyOf(field)}=${fieldHints[field]}, or set "${field}" under "${environment}" ` +
    `in ${deploymentFileName} (docs/deploy.md, "Configure")`
  );
}

function fileSection(
  environment: EnvironmentName,
  file: DeploymentFile | undefined,
  problems: string[],
): Partial<Record<TargetField, unknown>> {
  if (!file) return {};
  const isObject = (value: unknown): value is Record<string, unknown> =>
    typeof value === 'object' && value !== null && !Array.isArray(value);
  if (!isObject(file.contents)) {
    problems.push(`${file.path}: must be an object with one entry per environment`);
    return {};
  }
  const section = file.contents[environment];
  if (section === undefined) return {};
  if (!isObject(section)) {
    problems.push(`${file.path}: "${environment}" must be an object`);
    return {};
  }
  for (const key of Object.keys(section)) {
    if (!(targetFields as readonly string[]).includes(key)) {
      problems.push(`${file.path}: "${environment}.${key}" is not one of ${targetFields.join(', ')}`);
    }
  }
  return section;
}

// Documentation's example accounts, and the names no public DNS resolves (RFC 2606, RFC 6761).
const placeholderAccounts = new Set(['000000000000', '123456789012']);
const reservedNames = /(^|\.)(test|example|invalid|localhost|example\.(com|net|org))$/;

function testValuesIn(target: Record<string, string>): string[] {
  const testValues = new Set(Object.values(testDeploymentTargets).flatMap((values) => Object.values(values)));
  const problems: string[] = [];
  for (const [field, value] of Object.entries(target)) {
    if (testValues.has(value)) problems.push(`${field}: ${value} is a documented test value, not yours`);
    else if (field === 'account' && placeholderAccounts.has(value))
      problems.push(`${field}: ${value} is a placeholder`);
    else if (['publicHostname', 'hostedZoneName'].includes(field) && reservedNames.test(value)) {
      problems.push(`${field}: ${value} is a reserved name that no public DNS resolves`);
    } else if (field === 'alarmEmail' && reservedNames.test(value.split('@')[1] ?? '')) {
      problems.push(`${field}: ${value} is at a reserved domain that receives no mail`);
    } else if (field === 'alarmHttpsEndpoint' && reservedNames.test(hostOf(value))) {
      problems.push(`${field}: ${value} is at a reserved name that no public DNS resolves`);
    }
  }
  return problems;
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}
