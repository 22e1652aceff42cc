import { type Static, Type } from 'typebox';
import { profiles } from '../../load-tests/profiles.ts';

const positiveInteger = (options: { minimum?: number; maximum?: number; description: string }) =>
  Type.Integer({ minimum: 1, ...options });

/** One hook: its HTTPS address, the Secrets Manager secret that holds its signing secret, its policy. */
const hookEndpointProperties = {
  url: Type.String({ pattern: '^https://', maxLength: 2048 }),
  secretArn: Type.String({
    pattern: '^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:.+-[A-Za-z0-9]{6}$',
    description: 'The complete ARN of a secret the team made, whose value is the Standard Webhooks secret (whsec_...).',
  }),
  /** During a rotation, the secret the receiver moves to: calls are signed with both. */
  nextSecretArn: Type.Optional(
    Type.String({ pattern: '^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:.+-[A-Za-z0-9]{6}$' }),
  ),
  timeoutMs: Type.Optional(positiveInteger({ minimum: 100, maximum: 10_000, description: 'Default 2000.' })),
  onFailure: Type.Optional(Type.Union([Type.Literal('closed'), Type.Literal('open')])),
};

const fargateCpu = Type.Union(
  [Type.Literal(256), Type.Literal(512), Type.Literal(1024), Type.Literal(2048), Type.Literal(4096)],
  { description: 'Fargate task CPU units (1024 = 1 vCPU).' },
);
const fargateMemory = positiveInteger({ minimum: 512, maximum: 30720, description: 'Fargate task memory in MiB.' });

const serviceSizing = Type.Object(
  {
    cpu: fargateCpu,
    memoryMiB: fargateMemory,
    minTasks: positiveInteger({ maximum: 100, description: 'Autoscaling floor; also the task count at deploy.' }),
    maxTasks: positiveInteger({ maximum: 200, description: 'Autoscaling ceiling.' }),
    targetCpuPercent: Type.Integer({ minimum: 10, maximum: 90, description: 'CPU target-tracking set point.' }),
  },
  { additionalProperties: false },
);

/**
 * A service that serves no requests and is not autoscaled: a fixed number of tasks. The webhook
 * dispatcher waits on receivers, not on its CPU, and any number of them may run side by side.
 */
const workerSizing = Type.Object(
  {
    cpu: fargateCpu,
    memoryMiB: fargateMemory,
    tasks: Type.Optional(
      positiveInteger({ maximum: 20, description: 'Tasks running, each claiming its own deliveries. @default 1' }),
    ),
  },
  { additionalProperties: false },
);

/**
 * The AWS load-test stack (docs/load-testing.md, "On AWS"): k6 as Fargate tasks in the VPC, its
 * addresses exempted from the WAF rate rules and the edge's per-IP limits raised. Never in prod:
 * `loadEnvironmentParameters` refuses it there.
 */
const loadTest = Type.Object(
  {
    workers: positiveInteger({ maximum: 100, description: 'k6 Fargate tasks per run, one execution segment each.' }),
    worker: Type.Object(
      {
        cpu: Type.Union([Type.Literal(1024), Type.Literal(2048), Type.Literal(4096)], {
          description: 'Fargate CPU units of one k6 task (1024 = 1 vCPU).',
        }),
        memoryMiB: positiveInteger({ minimum: 2048, maximum: 30720, description: 'Memory of one k6 task in MiB.' }),
      },
      { additionalProperties: false },
    ),
    maxDurationMinutes: positiveInteger({
      minimum: 15,
      maximum: 720,
      description: 'The run timeout; the k6 tasks stop in time for the merge and the restored floors.',
    }),
    floors: Type.Object(
      {
        edge: positiveInteger({ maximum: 200, description: 'Edge autoscaling floor while a run lasts.' }),
        session: positiveInteger({ maximum: 200, description: 'Session replicas floor while a run lasts.' }),
        orchestrator: positiveInteger({ maximum: 200, description: 'Orchestrator floor while a run lasts.' }),
      },
      { additionalProperties: false },
    ),
    schedule: Type.Optional(
      Type.Object(
        {
          profile: Type.Enum(profiles, { description: 'The profile the schedule runs.' }),
          cron: Type.String({
            pattern: '^cron\\([^()]+\\)$',
            description: 'An EventBridge Scheduler cron expression, in UTC, e.g. cron(0 3 ? * SUN *).',
          }),
          env: Type.Record(Type.String({ pattern: '^[A-Z][A-Z0-9_]*$' }), Type.String(), {
            description: "The profile's knobs (-e KEY=VALUE), passed to every k6 task, e.g. VUS and DURATION.",
          }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

const hostnamePattern = '^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,}$';

/**
 * Everything that differs between dev, staging and prod and is the same for every team: sizes,
 * retention, limits, the region and its zones. Committed in `environments.ts`; validated at synth by
 * `loadEnvironmentParameters`. There are no context lookups, so synth needs no AWS credentials.
 */
export const environmentParametersSchema = Type.Object(
  {
    name: Type.Union([Type.Literal('dev'), Type.Literal('staging'), Type.Literal('prod')]),
    region: Type.String({ pattern: '^[a-z]{2}(-gov)?-[a-z]+-[0-9]$', description: 'AWS region, e.g. eu-west-1.' }),
    availabilityZones: Type.Array(Type.String({ pattern: '^[a-z]{2}(-gov)?-[a-z]+-[0-9][a-z]$' }), {
      minItems: 2,
      maxItems: 3,
      uniqueItems: true,
      description: 'AZs the VPC spans; listed here so synth never looks them up. Aurora and ElastiCache need two.',
    }),
    network: Type.Object(
      {
        cidr: Type.String({ pattern: '^10\\.[0-9]{1,3}\\.0\\.0/16$', description: 'VPC CIDR (a /16 under 10/8).' }),
        natGateways: positiveInteger({ maximum: 3, description: 'One per AZ in prod; fewer saves cost.' }),
      },
      { additionalProperties: false },
    ),
    edge: Type.Object(
      {
        accessLogRetentionDays: positiveInteger({ maximum: 3650, description: 'ALB access log lifetime in S3.' }),
      },
      { additionalProperties: false },
    ),
    waf: Type.Object(
      {
        perIpRequestsPer5Min: Type.Integer({ minimum: 100, description: 'Requests per IP per 5 minutes, any path.' }),
        authPerIpRequestsPer5Min: Type.Integer({
          minimum: 10,
          description: 'Requests per IP per 5 minutes to /auth/login, /auth/mfa and /auth/token/refresh.',
        }),
      },
      { additionalProperties: false },
    ),
    aurora: Type.Object(
      {
        minCapacityAcu: Type.Number({ minimum: 0.5, maximum: 256, description: 'Serverless v2 floor in ACUs.' }),
        maxCapacityAcu: Type.Number({ minimum: 1, maximum: 256, description: 'Serverless v2 ceiling.' }),
        readers: Type.Integer({ minimum: 0, maximum: 15, description: 'Reader instances in other AZs.' }),
        backupRetentionDays: positiveInteger({ maximum: 35, description: 'Automated backup retention.' }),
      },
      { additionalProperties: false },
    ),
    redis: Type.Object(
      {
        nodeType: Type.String({ pattern: '^cache\\.[a-z0-9]+\\.[a-z0-9]+$', description: 'e.g. cache.r7g.large.' }),
        shards: positiveInteger({ maximum: 500, description: 'Node groups (primaries) in cluster mode.' }),
        replicasPerShard: positiveInteger({
          maximum: 5,
          description: 'At least one, so every shard fails over automatically across AZs.',
        }),
        port: Type.Integer({
          minimum: 1024,
          maximum: 65535,
          description: 'Anything but the default 6379. Fixed once deployed: a new port needs a new cluster.',
        }),
        snapshotRetentionDays: Type.Integer({ minimum: 0, maximum: 35, description: 'Daily snapshots kept.' }),
      },
      { additionalProperties: false },
    ),
    services: Type.Object(
      {
        cpuArchitecture: Type.Union([Type.Literal('ARM64'), Type.Literal('X86_64')], {
          description: 'Fargate CPU architecture; images are built for it.',
        }),
        edge: serviceSizing,
        session: serviceSizing,
        orchestrator: serviceSizing,
        edgeRequestsPerTask: positiveInteger({ description: 'ALB requests per minute per edge task before scaling.' }),
        traceSampleRatio: Type.Number({
          minimum: 0,
          maximum: 1,
          description:
            'Share of the traces a service starts that go to X-Ray (parentbased_traceidratio); metrics are never sampled.',
        }),
        logRetentionDays: Type.Integer({
          minimum: 1,
          maximum: 3653,
          description: 'Retention of container, flow, WAF and database logs; one of the CloudWatch Logs periods.',
        }),
      },
      { additionalProperties: false },
    ),
    webhooks: Type.Object(
      {
        dispatcher: workerSizing,
        deliveryLagAlarmSeconds: positiveInteger({
          maximum: 86_400,
          description:
            "The p99 of webhook delivery lag (a change's commit to its receiver accepting it, retries included) " +
            'over 5 minutes above which the alarm fires.',
        }),
      },
      { additionalProperties: false },
    ),
    hooks: Type.Optional(
      Type.Object(
        {
          beforeSignUp: Type.Optional(Type.Object(hookEndpointProperties, { additionalProperties: false })),
          beforeToken: Type.Optional(
            Type.Object(
              {
                ...hookEndpointProperties,
                claimNamespace: Type.String({
                  minLength: 1,
                  maxLength: 256,
                  description: 'The prefix of every claim name the hook may add, as https://example.com/claims/.',
                }),
              },
              { additionalProperties: false },
            ),
          ),
        },
        {
          additionalProperties: false,
          description: 'Synchronous hooks the orchestrator calls (docs/hooks.md); unset, none.',
        },
      ),
    ),
    adminApi: Type.Object(
      {
        cpu: fargateCpu,
        memoryMiB: fargateMemory,
        allowedCidrs: Type.Array(Type.String({ pattern: '^([0-9]{1,3}\\.){3}[0-9]{1,3}/([0-9]|[12][0-9]|3[0-2])$' }), {
          uniqueItems: true,
          description:
            'IPv4 networks (a VPN, a peered VPC) that may reach the admin API port in the private subnets; ' +
            'empty: only through ECS Exec port forwarding (docs/deploy.md, "The admin API").',
        }),
      },
      { additionalProperties: false, description: 'The admin API: one task, never behind the load balancer.' },
    ),
    jwt: Type.Object(
      {
        signingKeyRotationDays: positiveInteger({ maximum: 365, description: 'Days between signing-key rotations.' }),
      },
      { additionalProperties: false },
    ),
    signIn: Type.Object(
      {
        emailCode: Type.Boolean({
          description:
            'Offer sign-in by a mailed one-time code or link (EMAIL_CODE_SIGN_IN). With it, a mailbox is a ' +
            'first factor (docs/security.md, ASVS 2.2.2); TOTP still follows where a user enrolled it.',
        }),
      },
      { additionalProperties: false },
    ),
    loadTest: Type.Optional(loadTest),
    protectData: Type.Boolean({
      description:
        'Retain stateful resources on stack deletion, enable Aurora and DynamoDB deletion protection and ' +
        'stack termination protection. Only dev turns this off.',
    }),
  },
  { additionalProperties: false },
);

/**
 * What only the team deploying an environment knows: its account, its certificate, its host name,
 * where alarms go (required where `protectData` is on), and optionally the Route 53 zone that should
 * carry that name. Never
 * committed: `resolveDeploymentTarget` reads it from `-c authscale:<field>` or a local file
 * (docs/deploy.md, "Configure").
 */
export const deploymentTargetSchema = Type.Object(
  {
    account: Type.String({ pattern: '^[0-9]{12}$', description: 'AWS account id the stacks deploy to.' }),
    certificateArn: Type.String({
      pattern: '^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[0-9a-f-]{36}$',
      description: 'ACM certificate for the HTTPS listener, in the same account and region.',
    }),
    publicHostname: Type.String({
      pattern: hostnamePattern,
      description: 'The public name clients use; the certificate covers it and JWTs carry it as issuer.',
    }),
    hostedZoneId: Type.Optional(
      Type.String({
        pattern: '^Z[0-9A-Z]{4,31}$',
        description: 'A public Route 53 zone for the alias record of publicHostname; with hostedZoneName.',
      }),
    ),
    hostedZoneName: Type.Optional(
      Type.String({ pattern: hostnamePattern, description: "That zone's name; publicHostname must be in it." }),
    ),
    alarmEmail: Type.Optional(Type.String({ format: 'email', description: 'Subscribed to the alarm topic.' })),
    alarmHttpsEndpoint: Type.Optional(
      Type.String({
        pattern: '^https://[^\\s/?#]+(/[^\\s]*)?$',
        description: 'An HTTPS URL subscribed to the alarm topic: a paging or chat integration that accepts SNS.',
      }),
    ),
    githubRepository: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$',
        description: 'owner/name of the GitHub repository whose delivery workflow may deploy this environment.',
      }),
    ),
    githubOidcProviderArn: Type.Optional(
      Type.String({
        pattern: '^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/token\\.actions\\.githubusercontent\\.com$',
        description: "The account's GitHub OIDC provider when another environment's pipeline stack created it.",
      }),
    ),
  },
  { additionalProperties: false },
);

export type EnvironmentParameters = Static<typeof environmentParametersSchema>;
export type DeploymentTarget = Static<typeof deploymentTargetSchema>;
export type EnvironmentName = EnvironmentParameters['name'];
export type ServiceSizing = Static<typeof serviceSizing>;
export type WorkerSizing = Static<typeof workerSizing>;
export type LoadTestParameters = Static<typeof loadTest>;

/** A Route 53 public hosted zone, imported by id and name (no lookup). */
export interface HostedZoneReference {
  readonly id: string;
  readonly name: string;
}

/** One environment's parameters joined with its deployment target: what the stacks are built from. */
export type EnvironmentConfig = Omit<EnvironmentParameters, 'edge'> & {
  readonly account: string;
  /** Where the alarm topic delivers; at least one of the two wherever `protectData` is on. */
  readonly alarmEmail?: string;
  readonly alarmHttpsEndpoint?: string;
  readonly edge: EnvironmentParameters['edge'] & {
    readonly publicHostname: string;
    readonly certificateArn: string;
    /** @default none: the team points its DNS name at the load balancer itself */
    readonly hostedZone?: HostedZoneReference;
  };
  /** @default none: no delivery workflow deploys this environment (no pipeline stack) */
  readonly pipeline?: PipelineTarget;
};

/** Who may deploy an environment from GitHub Actions: one repository, through the account's OIDC provider. */
export interface PipelineTarget {
  readonly githubRepository: string;
  /** @default none: the pipeline stack creates the provider (one per account) */
  readonly githubOidcProviderArn?: string;
}
