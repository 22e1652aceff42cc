import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { loadEnvironmentParameters } from '../config/load-environment-config.ts';
import type { EnvironmentName } from '../config/schema.ts';
import { identityProvisioningEntry } from '../constructs/identity-provisioning.ts';
import { redisAccessString, redisServiceUsers } from '../constructs/redis-users.ts';
import { serviceDockerfile } from '../constructs/service-image.ts';
import {
  collectorImage,
  exactly,
  type MetricDeclaration,
  metricsNamespace,
} from '../constructs/telemetry-collector.ts';
import { TokenTable, tokenTableActions } from '../constructs/token-table.ts';
import { identityMigrationsEntry, webhookDispatcherCommand } from '../stacks/services-stack.ts';
import { describeAdminApi } from './admin-api-assertions.ts';
import { describeCheckovFixes } from './checkov-assertions.ts';
import { describeLoadTest } from './load-test-assertions.ts';
import { describePipeline } from './pipeline-assertions.ts';
import {
  provisionCommandCheck,
  type ServiceName,
  serviceConfigProblems,
  serviceEnvironmentContracts,
} from './service-config-schemas.ts';
import { type CfnResource, type Synthesized, synthesize } from './synthesize.ts';

/** Actions that have no resource-level permissions, so `*` is the only possible resource. */
const actionsWithoutResourceScope = new Set([
  'ecr:GetAuthorizationToken',
  'secretsmanager:GetRandomPassword',
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  // The Synthetics construct's: the canary lists buckets, and PutMetricData is narrowed by a namespace condition.
  's3:ListAllMyBuckets',
  'cloudwatch:PutMetricData',
  // The channels ECS Exec opens from a task (the admin API's).
  'ssmmessages:CreateControlChannel',
  'ssmmessages:CreateDataChannel',
  'ssmmessages:OpenControlChannel',
  'ssmmessages:OpenDataChannel',
]);

/** The standard variables the OpenTelemetry SDK reads, which the collector sidecar's app containers get. */
const openTelemetryVariables = [
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_PROTOCOL',
  'OTEL_SERVICE_NAME',
  'OTEL_RESOURCE_ATTRIBUTES',
  'OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE',
  'OTEL_TRACES_SAMPLER',
  'OTEL_TRACES_SAMPLER_ARG',
  'OTEL_LOGS_EXPORTER',
  'OTEL_TRACES_EXPORTER',
  'OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION',
] as const;

interface PolicyStatement {
  Action: string | string[];
  Resource: unknown;
  Effect: string;
  Condition?: Record<string, Record<string, string>>;
}

/**
 * A task role's statements split into the collector sidecar's two, checked exactly (X-Ray writes, and
 * writes to its own metrics log group), and the rest.
 */
export function telemetryStatements(
  statements: PolicyStatement[],
  { traces = true }: { traces?: boolean } = {},
): { others: PolicyStatement[] } {
  const isTelemetry = (statement: PolicyStatement) =>
    asList(statement.Action).some((action) => action.startsWith('xray:')) ||
    /TelemetryMetricsLogs/.test(JSON.stringify(statement.Resource));
  const telemetry = statements.filter(isTelemetry);
  if (traces) {
    assert.equal(telemetry.length, 2, 'the collector writes X-Ray segments and its log group');
    assert.deepEqual(asList(telemetry[0]?.Action ?? []).sort(), ['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
  } else {
    assert.equal(telemetry.length, 1, 'the collector writes its log group, and no X-Ray segment');
  }
  const logs = telemetry.at(-1);
  assert.deepEqual(asList(logs?.Action ?? []).sort(), ['logs:CreateLogStream', 'logs:PutLogEvents']);
  return { others: statements.filter((statement) => !isTelemetry(statement)) };
}

export function statementsOf(policy: { Properties?: Record<string, unknown> }): PolicyStatement[] {
  const document = policy.Properties?.PolicyDocument as { Statement: PolicyStatement[] };
  return document.Statement;
}

export const asList = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

interface IngressRule {
  /** The logical id of the group that admits, without its hash. */
  readonly group: string;
  /** A port number, or 'cluster port' when it is the database's own endpoint port. */
  readonly port: number | 'cluster port';
  /** A CIDR, or the logical id of the source security group. */
  readonly source: string;
}

function orchestratorServiceId(template: Synthesized['templates']['services']): string {
  const id = Object.keys(template.findResources('AWS::ECS::Service')).find((candidate) =>
    candidate.startsWith('OrchestratorService'),
  );
  assert.ok(id, 'no orchestrator service');
  return id;
}

/** Every ingress rule of every stack, inline or standalone, in a comparable form. */
export function ingressRules(synthesized: Synthesized): IngressRule[] {
  const sourceOf = (rule: Record<string, unknown>) =>
    typeof rule.CidrIp === 'string'
      ? rule.CidrIp
      : String((rule.SourceSecurityGroupId as { 'Fn::GetAtt'?: [string] })['Fn::GetAtt']?.[0] ?? 'imported');
  const portOf = (rule: Record<string, unknown>) =>
    typeof rule.FromPort === 'number' ? rule.FromPort : ('cluster port' as const);
  const withoutHash = (logicalId: string) => logicalId.replace(/[0-9A-F]{8}$/, '');
  const inline = synthesized.resourcesOfType('AWS::EC2::SecurityGroup').flatMap(({ id, resource }) =>
    ((resource.Properties.SecurityGroupIngress as Array<Record<string, unknown>> | undefined) ?? []).map((rule) => ({
      group: withoutHash(id),
      port: portOf(rule),
      source: sourceOf(rule),
    })),
  );
  const standalone = synthesized.resourcesOfType('AWS::EC2::SecurityGroupIngress').map(({ id, resource }) => ({
    group: id,
    port: portOf(resource.Properties),
    source: sourceOf(resource.Properties),
  }));
  return [...inline, ...standalone];
}

export interface ContainerDefinition {
  readonly Name: string;
  readonly Essential?: boolean;
  readonly Command?: string[];
  readonly DependsOn?: Array<{ ContainerName: string; Condition: string }>;
  readonly Environment?: Array<{ Name: string; Value: unknown }>;
  readonly Secrets?: Array<{ Name: string; ValueFrom: unknown }>;
  readonly ReadonlyRootFilesystem?: boolean;
  readonly Image?: unknown;
}

/** Who runs a task definition: a service (the dispatcher among them), or the data stack's identity provisioning. */
type TaskOwner = ServiceName | 'provisioning';

const taskOwners: Readonly<Record<string, TaskOwner>> = {
  Edge: 'edge',
  Session: 'session',
  Orchestrator: 'orchestrator',
  WebhookDispatcher: 'webhook-dispatcher',
  AdminApi: 'admin-api',
  IdentityProvisioning: 'provisioning',
};

/** Every container of every task definition, with the service (or the provisioning) whose task it is. */
export function containersOf(synthesized: Synthesized): Array<{ service: TaskOwner; container: ContainerDefinition }> {
  return synthesized.resourcesOfType('AWS::ECS::TaskDefinition').flatMap(({ id, resource }) => {
    const owner = /^([A-Za-z]+)Task[0-9A-F]{8}$/.exec(id)?.[1];
    const service = taskOwners[owner ?? ''] as TaskOwner;
    assert.ok(service, `task definition ${id} belongs to no service`);
    return (resource.Properties.ContainerDefinitions as ContainerDefinition[]).map((container) => ({
      service,
      container,
    }));
  });
}

export const namesPassedTo = (container: ContainerDefinition) =>
  new Set([...(container.Environment ?? []), ...(container.Secrets ?? [])].map(({ Name }) => Name));

export const secretSources = (container: ContainerDefinition, name: string) =>
  (container.Secrets ?? []).filter((secret) => secret.Name === name).map((secret) => JSON.stringify(secret.ValueFrom));

/** Stands in for what CloudFormation resolves only at deploy: a host name, a port, a table name. */
const resolvedAtDeploy = 'resolved-at-deploy';
/** Stands in for a secret's value, which no template holds; long enough for every secret setting. */
const secretAtDeploy = 's'.repeat(64);

/** Stands in for an Elastic IP's address (a documentation address, RFC 5737). */
const addressAtDeploy = '192.0.2.1';

/** A plain variable as the container will see it, with each CloudFormation reference stood in for. */
function valueAtDeploy(value: unknown): string {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (join) return join[1].map(valueAtDeploy).join(join[0]);
  return JSON.stringify(value).includes('PublicIp') ? addressAtDeploy : resolvedAtDeploy;
}

/** The environment a container starts with: its plain variables and, stood in for, its secrets. */
const environmentAtDeploy = (container: ContainerDefinition): Record<string, string> =>
  Object.fromEntries([
    ...(container.Environment ?? []).map(({ Name, Value }) => [Name, valueAtDeploy(Value)]),
    ...(container.Secrets ?? []).map(({ Name }) => [Name, secretAtDeploy]),
  ]);

/** node-postgres reads these itself when DATABASE_URL is unset, as the orchestrator's config documents. */
const postgresVariables = ['PGHOST', 'PGPORT', 'PGDATABASE', 'PGSSLMODE', 'PGUSER', 'PGPASSWORD'] as const;

/** Variables a service's dependencies read, which its config schema therefore does not list. */
const variablesReadByLibraries: Readonly<Record<ServiceName, readonly string[]>> = {
  edge: openTelemetryVariables,
  session: openTelemetryVariables,
  orchestrator: [...postgresVariables, ...openTelemetryVariables],
  'webhook-dispatcher': [...postgresVariables, ...openTelemetryVariables],
  'admin-api': [...postgresVariables, ...openTelemetryVariables],
};

/**
 * What the AWS deployment needs beyond each schema's unconditional requirements: settings that are
 * optional for one local process (in-process counters, an in-memory store, a development signing
 * key) but not for several tasks behind a load balancer.
 */
const requiredByTheDeployment: Readonly<Record<ServiceName, readonly string[]>> = {
  edge: [
    'PUBLIC_ORIGIN',
    'RATE_LIMIT_REDIS_URLS',
    'RATE_LIMIT_REDIS_USERNAME',
    'RATE_LIMIT_REDIS_PASSWORD',
    'SESSION_REDIS_URLS',
    'SESSION_REDIS_USERNAME',
    'SESSION_REDIS_PASSWORD',
    'PRINCIPAL_ASSERTION_KEY',
    'TRUST_PROXY_HOPS',
  ],
  session: [
    'SESSION_BACKEND',
    'REDIS_CLUSTER_URLS',
    'REDIS_USERNAME',
    'REDIS_PASSWORD',
    'INTERNAL_API_TOKEN_PREVIOUS',
    'INTERNAL_API_TOKEN_NEXT',
  ],
  orchestrator: [
    'PUBLIC_ORIGIN',
    'JWT_SIGNING_KEYS',
    'INTERNAL_API_TOKEN_PREVIOUS',
    'INTERNAL_API_TOKEN_NEXT',
    'PRINCIPAL_ASSERTION_KEY',
    'PRINCIPAL_ASSERTION_KEY_PREVIOUS',
    'PRINCIPAL_ASSERTION_KEY_NEXT',
    'TOKEN_TABLE_NAME',
    'AWS_REGION',
    'TRUST_PROXY_HOPS',
    'DATABASE_IAM_AUTH',
    // No PGPASSWORD: the app signs an IAM authentication token for each connection.
    ...postgresVariables.filter((name) => name !== 'PGPASSWORD'),
  ],
  'webhook-dispatcher': [
    'PUBLIC_ORIGIN',
    'AWS_REGION',
    'DATABASE_IAM_AUTH',
    ...postgresVariables.filter((name) => name !== 'PGPASSWORD'),
  ],
  'admin-api': [
    // Its defaults listen on the loopback only, where nothing outside the task reaches it.
    'ADMIN_API_HOST',
    'ADMIN_API_PORT',
    'PUBLIC_ORIGIN',
    'INTERNAL_API_TOKEN',
    'SESSION_REPLICAS',
    'TOKEN_TABLE_NAME',
    'AWS_REGION',
    'SES_REGION',
    'SES_CONFIGURATION_SET',
    'DATABASE_IAM_AUTH',
    ...postgresVariables.filter((name) => name !== 'PGPASSWORD'),
  ],
};

/**
 * The property that holds each resource type's physical name, for the types whose names must be
 * unique in an account and region. A name written into the template is fixed: it must carry its
 * environment, or a second environment in the same account and region fails to create it.
 */
const physicalNameProperties: Readonly<Record<string, string>> = {
  'AWS::RDS::DBCluster': 'DBClusterIdentifier',
  'AWS::RDS::DBInstance': 'DBInstanceIdentifier',
  'AWS::RDS::DBProxy': 'DBProxyName',
  'AWS::RDS::DBSubnetGroup': 'DBSubnetGroupName',
  'AWS::RDS::DBClusterParameterGroup': 'DBClusterParameterGroupName',
  'AWS::ElastiCache::ReplicationGroup': 'ReplicationGroupId',
  'AWS::ElastiCache::SubnetGroup': 'CacheSubnetGroupName',
  'AWS::ElastiCache::User': 'UserId',
  'AWS::ElastiCache::UserGroup': 'UserGroupId',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::CloudWatch::Dashboard': 'DashboardName',
  'AWS::CloudWatch::Alarm': 'AlarmName',
  'AWS::ECS::Cluster': 'ClusterName',
  'AWS::ECS::TaskDefinition': 'Family',
  'AWS::ECS::Service': 'ServiceName',
  'AWS::ServiceDiscovery::HttpNamespace': 'Name',
  'AWS::Synthetics::Canary': 'Name',
  'AWS::DynamoDB::GlobalTable': 'TableName',
  'AWS::S3::Bucket': 'BucketName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::SecretsManager::Secret': 'Name',
  'AWS::IAM::Role': 'RoleName',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::Events::Rule': 'Name',
  'AWS::KMS::Alias': 'AliasName',
  'AWS::WAFv2::WebACL': 'Name',
  'AWS::ElasticLoadBalancingV2::LoadBalancer': 'Name',
  'AWS::ElasticLoadBalancingV2::TargetGroup': 'Name',
  'AWS::ApplicationAutoScaling::ScalingPolicy': 'PolicyName',
  'AWS::Route53::RecordSet': 'Name',
};

/** Literal properties that look like names but name no resource of this app (or one scoped to its parent). */
const notPhysicalNames = new Set([
  'AWS::CloudWatch::Alarm.MetricName',
  'AWS::EC2::VPCEndpoint.ServiceName',
  'AWS::ElastiCache::ParameterGroup.CacheParameterGroupFamily',
  // The name a client logs in with: unique within a user group, not in the account (`default` is required).
  'AWS::ElastiCache::User.UserName',
  'AWS::RDS::DBClusterParameterGroup.Family',
  'AWS::RDS::DBProxy.EngineFamily',
  'AWS::RDS::DBProxyTargetGroup.TargetGroupName',
  'AWS::IAM::Policy.PolicyName',
  'AWS::Route53::RecordSet.HostedZoneId',
  // The AWS managed key of SQS, named the same in every account.
  'AWS::SQS::Queue.KmsMasterKeyId',
  'Custom::IdentityProvisioning.containerName',
]);

/**
 * The security properties every environment must have, asserted on one synthesis (the slow part)
 * shared by all the tests below. A failed nag check fails `before`, and so every test.
 */
export function describeEnvironment(name: EnvironmentName): void {
  describe(`${name} environment`, () => {
    let synthesized: Synthesized;
    before(() => {
      synthesized = synthesize(name);
    });
    describeCheckovFixes(() => synthesized);
    describePipeline(() => synthesized);
    describeLoadTest(() => synthesized, { hasLoadTest: loadEnvironmentParameters(name).loadTest !== undefined });
    describeAdminApi(() => synthesized);

    test('synthesizes four stacks in the configured account and region with no unacknowledged nag finding', () => {
      const { stacks, config } = synthesized;
      for (const stack of Object.values(stacks)) {
        assert.equal(stack.account, config.account);
        assert.equal(stack.region, config.region);
      }
      assert.equal(stacks.data.terminationProtection, config.protectData);
    });

    test('every stack and every resource in it carries the project and environment tags', () => {
      const { stacks, templates, config } = synthesized;
      const expected = { project: 'authscale', environment: config.name };
      for (const stack of Object.values(stacks)) assert.deepEqual(stack.tags.tagValues(), expected);
      templates.data.hasResourceProperties('AWS::KMS::Key', {
        Tags: [
          { Key: 'environment', Value: config.name },
          { Key: 'project', Value: 'authscale' },
        ],
      });
    });

    test("the VPC's default security group is stripped of its rules", () => {
      const { templates } = synthesized;
      const [vpcId] = Object.keys(templates.network.findResources('AWS::EC2::VPC'));
      templates.network.hasResourceProperties('Custom::VpcRestrictDefaultSG', {
        DefaultSecurityGroupId: { 'Fn::GetAtt': [vpcId, 'DefaultSecurityGroup'] },
      });
    });

    test("stacks read each other's outputs (weak references): no exports to block an update", () => {
      for (const [stack, template] of Object.entries(synthesized.templates)) {
        const json = JSON.stringify(template.toJSON());
        assert.doesNotMatch(json, /Fn::ImportValue/, `${stack} imports an export`);
        for (const [name, output] of Object.entries(template.toJSON().Outputs ?? {})) {
          assert.equal((output as { Export?: unknown }).Export, undefined, `${stack} exports ${name}`);
        }
      }
      assert.match(JSON.stringify(synthesized.templates.services.toJSON()), /Fn::GetStackOutput/);
    });

    test('every name fixed in a template carries its environment, so environments share an account and region', () => {
      const { config } = synthesized;
      const compact = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, '');
      const carriesEnvironment = (name: string) =>
        compact(name).includes(`authscale${config.name}`) ||
        name
          .toLowerCase()
          .split(/[^a-z0-9]+/)
          .includes(config.name) ||
        name === `${config.edge.publicHostname}.`;
      const unreviewed: string[] = [];
      for (const stack of Object.keys(synthesized.templates) as Array<keyof typeof synthesized.templates>) {
        for (const [id, resource] of Object.entries(synthesized.templates[stack].toJSON().Resources ?? {})) {
          const { Type: type, Properties: properties = {} } = resource as CfnResource;
          for (const [property, value] of Object.entries(properties)) {
            if (typeof value !== 'string' || !/(Name|Identifier|Id|Family)$/.test(property)) continue;
            if (physicalNameProperties[type] === property) {
              assert.ok(
                carriesEnvironment(value),
                `${stack}/${id}: ${property} "${value}" is the same in every environment`,
              );
            } else if (!notPhysicalNames.has(`${type}.${property}`)) {
              unreviewed.push(`${type}.${property} = ${value}`);
            }
          }
        }
      }
      // A property here is a name nobody has judged yet: add it to one of the two lists above.
      assert.deepEqual(unreviewed, []);
    });

    test('only the database and the session cluster keep fixed names; the proxy is named after its stack', () => {
      const { templates, stacks, config } = synthesized;
      const named = (type: string) =>
        Object.values(templates.data.findResources(type)).map(
          (resource) => resource.Properties[physicalNameProperties[type] as string],
        );
      // Both hold state: CloudFormation refuses an update that would replace a named resource, which
      // is what these should get rather than a new, empty cluster (docs/deploy.md, "Named resources").
      assert.deepEqual(named('AWS::RDS::DBCluster'), [`authscale-${config.name}-identity`]);
      assert.deepEqual(named('AWS::ElastiCache::ReplicationGroup'), [`authscale-${config.name}-sessions`]);
      const [proxyName] = named('AWS::RDS::DBProxy');
      assert.notEqual(proxyName, 'Proxy');
      assert.ok(String(proxyName).startsWith(stacks.data.stackName.replaceAll('-', '')), String(proxyName));
      for (const type of ['AWS::RDS::DBInstance', 'AWS::DynamoDB::GlobalTable', 'AWS::SecretsManager::Secret']) {
        assert.ok(
          named(type).every((name) => name === undefined),
          `${type} has a fixed name`,
        );
      }
    });

    test('each stack outputs what a team looks for after a deploy: endpoints, names, secret ARNs', () => {
      const { templates, config } = synthesized;
      // CDK's own `Publish*` outputs carry the cross-stack references; these are the team's.
      const outputsOf = (template: Template) =>
        Object.fromEntries(
          Object.entries(
            (template.toJSON().Outputs ?? {}) as Record<
              string,
              { Value: unknown; Description?: string; Export?: unknown }
            >,
          ).filter(([name]) => !name.startsWith('Publish')),
        );
      const expected = {
        network: ['AlarmTopicArn', 'VpcId'],
        data: [
          'CanaryCredentialsSecretArn',
          'DataKeyArn',
          'DatabaseAdminSecretArn',
          'DatabaseAppSecretArn',
          'DatabaseClusterIdentifier',
          'DatabaseEventsSecretArn',
          'DatabaseName',
          'DatabaseOperatorSecretArn',
          'DatabaseOwnerSecretArn',
          'DatabaseProxyEndpoint',
          'IdentityProvisioningCluster',
          'IdentityProvisioningLogGroupName',
          'IdentityProvisioningNetwork',
          'IdentityProvisioningTaskDefinition',
          'InternalApiTokenSecretArn',
          'JwtSigningKeysSecretArn',
          'PrincipalAssertionKeySecretArn',
          'SessionClusterEdgeUserSecretArn',
          'SessionClusterEndpoint',
          'SessionClusterId',
          'SessionClusterSessionUserSecretArn',
          'TokenTableName',
          'TotpEncryptionKeySecretArn',
        ],
        services: [
          'AdminApiLogGroupName',
          'AdminApiServiceName',
          'ClusterName',
          'OrchestratorLogGroupName',
          'OrchestratorServiceName',
          'SessionLogGroupName',
          'SessionServiceName',
          'WebhookDispatcherLogGroupName',
          'WebhookDispatcherServiceName',
        ],
        edge: [
          'CanaryName',
          'DashboardName',
          'EdgeLogGroupName',
          'EdgeServiceName',
          'LoadBalancerDnsName',
          'LoadBalancerHostedZoneId',
          'PublicDnsRecord',
          'PublicOrigin',
          'WebAclArn',
        ],
      };
      for (const [stack, names] of Object.entries(expected)) {
        const outputs = outputsOf(templates[stack as keyof typeof templates]);
        assert.deepEqual(Object.keys(outputs).sort(), names, `${stack} outputs`);
        for (const [name, output] of Object.entries(outputs)) {
          assert.ok(output.Description, `${stack} ${name} says what it is`);
          assert.equal(output.Export, undefined, `${stack} ${name} is exported`);
        }
      }
      const data = outputsOf(templates.data);
      const [proxyId] = Object.keys(templates.data.findResources('AWS::RDS::DBProxy'));
      assert.deepEqual(data.DatabaseProxyEndpoint?.Value, { 'Fn::GetAtt': [proxyId, 'Endpoint'] });
      const secretIds = new Set(
        ['AWS::SecretsManager::Secret', 'AWS::SecretsManager::SecretTargetAttachment'].flatMap((type) =>
          Object.keys(templates.data.findResources(type)),
        ),
      );
      for (const [name, output] of Object.entries(data).filter(([name]) => name.endsWith('SecretArn'))) {
        const ref = (output.Value as { Ref?: string }).Ref;
        assert.ok(ref && secretIds.has(ref), `${name} is not a secret of the data stack`);
      }
      assert.deepEqual(data.SessionClusterId?.Value, `authscale-${config.name}-sessions`);
      const edge = outputsOf(templates.edge);
      const [albId] = Object.keys(templates.edge.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer'));
      assert.deepEqual(edge.LoadBalancerDnsName?.Value, { 'Fn::GetAtt': [albId, 'DNSName'] });
      assert.equal(edge.PublicOrigin?.Value, `https://${config.edge.publicHostname}`);
    });

    test('with a hosted zone, the public host name is an alias A record of the load balancer; without, none', () => {
      const { templates, config } = synthesized;
      const { hostedZone, publicHostname } = config.edge;
      const records = Object.values(templates.edge.findResources('AWS::Route53::RecordSet'));
      const described = JSON.stringify(templates.edge.toJSON().Outputs?.PublicDnsRecord?.Value);
      if (!hostedZone) {
        assert.deepEqual(records, []);
        assert.match(described, /none: point .* at LoadBalancerDnsName/);
        return;
      }
      const [albId] = Object.keys(templates.edge.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer'));
      assert.equal(records.length, 1);
      const [record] = records;
      assert.equal(record?.Properties.Name, `${publicHostname}.`);
      assert.equal(record?.Properties.Type, 'A');
      assert.equal(record?.Properties.HostedZoneId, hostedZone.id);
      const alias = JSON.stringify(record?.Properties.AliasTarget);
      assert.ok(alias.includes(`"${albId}","DNSName"`), 'the alias targets the load balancer');
      assert.ok(alias.includes(`"${albId}","CanonicalHostedZoneID"`), "in the load balancer's zone");
      assert.match(
        described,
        new RegExp(`alias A record ${publicHostname.replaceAll('.', '\\.')} in ${hostedZone.name}`),
      );
    });

    test('cdk destroy can finish where protectData is off; where it is on, the data and the access logs stay', () => {
      const { templates, config } = synthesized;
      const bucketIds = Object.keys(templates.edge.findResources('AWS::S3::Bucket')).sort();
      assert.deepEqual(
        bucketIds.map((id) => id.replace(/[0-9A-F]{8}$/, '')),
        ['LoadBalancerAccessLogs', 'SignInCanaryArtifacts'],
      );
      const autoDelete = Object.values(templates.edge.findResources('Custom::S3AutoDeleteObjects'));
      if (config.protectData) {
        templates.edge.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain' });
        assert.deepEqual(autoDelete, [], 'a retained bucket keeps its access logs');
        for (const type of ['AWS::KMS::Key', 'AWS::SecretsManager::Secret', 'AWS::DynamoDB::GlobalTable']) {
          for (const [id, resource] of Object.entries(templates.data.findResources(type))) {
            assert.equal(resource.DeletionPolicy, 'Retain', `${id} is deleted with its stack`);
          }
        }
        return;
      }
      // A bucket that holds objects cannot be deleted: each is emptied first.
      assert.deepEqual(
        autoDelete.map(({ Properties }) => Properties.BucketName),
        bucketIds.map((id) => ({ Ref: id })),
      );
      // Nothing is left behind either. The rotation functions' log groups are the resources still
      // retained (RedeployOnRotation and SharedSecretRotation take no removal policy); they block nothing.
      const retained = (Object.keys(synthesized.templates) as Array<keyof typeof synthesized.templates>).flatMap(
        (stack) =>
          Object.entries(synthesized.templates[stack].toJSON().Resources ?? {})
            .filter(([, resource]) => ![undefined, 'Delete'].includes((resource as CfnResource).DeletionPolicy))
            .map(([id]) => `${stack}/${id.replace(/[0-9A-F]{8}$/, '')}`),
      );
      assert.deepEqual(retained.sort(), [
        'data/SharedSecretRotationLogs',
        'edge/RedeployEdgeOnRotationLogs',
        'services/RedeployAdminApiOnRotationLogs',
        'services/RedeployOrchestratorOnRotationLogs',
        'services/RedeploySessionOnRotationLogs',
        'services/RedeployWebhookDispatcherOnRotationLogs',
      ]);
      assert.equal(synthesized.stacks.data.terminationProtection, false);
      templates.data.hasResourceProperties('AWS::RDS::DBCluster', { DeletionProtection: false });
      templates.edge.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
        LoadBalancerAttributes: Match.arrayWith([{ Key: 'deletion_protection.enabled', Value: 'false' }]),
      });
    });

    test('the VPC spans the configured zones with flow logs and private endpoints', () => {
      const { templates, config } = synthesized;
      const subnets = Object.values(templates.network.findResources('AWS::EC2::Subnet'));
      const zones = new Set(subnets.map((subnet) => subnet.Properties.AvailabilityZone));
      assert.deepEqual([...zones].sort(), [...config.availabilityZones].sort());
      assert.equal(subnets.length, config.availabilityZones.length * 3);
      templates.network.resourceCountIs('AWS::EC2::NatGateway', config.network.natGateways);
      templates.network.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL' });
      const endpoints = Object.values(templates.network.findResources('AWS::EC2::VPCEndpoint'));
      const services = endpoints.map((endpoint) => JSON.stringify(endpoint.Properties.ServiceName));
      for (const service of ['.s3', '.dynamodb', '.ecr.api', '.ecr.dkr', '.logs', '.secretsmanager']) {
        assert.ok(
          services.some((serviceName) => serviceName.includes(service)),
          `missing ${service} endpoint`,
        );
      }
    });

    test('Aurora is encrypted, private, TLS-only, IAM-enabled, and protected as configured', () => {
      const { templates, config } = synthesized;
      templates.data.hasResource('AWS::RDS::DBCluster', {
        Properties: Match.objectLike({
          Engine: 'aurora-postgresql',
          StorageEncrypted: true,
          KmsKeyId: Match.anyValue(),
          EnableIAMDatabaseAuthentication: true,
          DeletionProtection: config.protectData,
          BackupRetentionPeriod: config.aurora.backupRetentionDays,
          ServerlessV2ScalingConfiguration: {
            MinCapacity: config.aurora.minCapacityAcu,
            MaxCapacity: config.aurora.maxCapacityAcu,
          },
        }),
        DeletionPolicy: config.protectData ? 'Snapshot' : 'Delete',
      });
      templates.data.resourceCountIs('AWS::RDS::DBInstance', 1 + config.aurora.readers);
      templates.data.allResourcesProperties('AWS::RDS::DBInstance', { PubliclyAccessible: false });
      templates.data.hasResourceProperties('AWS::RDS::DBClusterParameterGroup', {
        Parameters: Match.objectLike({ 'rds.force_ssl': '1' }),
      });
      templates.data.hasResourceProperties('AWS::RDS::DBProxy', { RequireTLS: true, EngineFamily: 'POSTGRESQL' });
    });

    test('database credentials live in Secrets Manager and rotate', () => {
      const { templates } = synthesized;
      const schedules = Object.values(templates.data.findResources('AWS::SecretsManager::RotationSchedule'));
      // The master, owner, app, events and operator database users, the JWT signing keys, the
      // internal API token and the principal-assertion key.
      assert.equal(schedules.length, 8);
      for (const schedule of schedules) {
        assert.ok(schedule.Properties.RotationRules, 'every rotation has a schedule');
      }
    });

    test('the session cluster runs in cluster mode with TLS, encryption at rest, RBAC users and failover', () => {
      const { templates, config } = synthesized;
      templates.data.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
        ClusterMode: 'enabled',
        NumNodeGroups: config.redis.shards,
        ReplicasPerNodeGroup: config.redis.replicasPerShard,
        TransitEncryptionEnabled: true,
        TransitEncryptionMode: 'required',
        AtRestEncryptionEnabled: true,
        KmsKeyId: Match.anyValue(),
        AutomaticFailoverEnabled: true,
        MultiAZEnabled: true,
        Port: config.redis.port,
      });
      const [group] = Object.values(templates.data.findResources('AWS::ElastiCache::ReplicationGroup'));
      assert.equal(group?.Properties.AuthToken, undefined, 'no AUTH token shared by every client');
      const [userGroupId] = Object.keys(templates.data.findResources('AWS::ElastiCache::UserGroup'));
      assert.deepEqual(group?.Properties.UserGroupIds, [{ Ref: userGroupId }]);
      assert.notEqual(config.redis.port, 6379);
      templates.data.hasResourceProperties('AWS::ElastiCache::ParameterGroup', {
        Properties: Match.objectLike({
          'cluster-enabled': 'yes',
          'hash-max-listpack-value': '256',
          // The local nodes run so too (testkit's redisClusterNodeArgs): reads go on through a failover.
          'cluster-require-full-coverage': 'no',
        }),
      });
    });

    test('each service reaches Redis as its own user, allowed only its commands and keys; default is off', () => {
      const { templates } = synthesized;
      const users = Object.entries(templates.data.findResources('AWS::ElastiCache::User'));
      const byName = (name: string) => users.find(([, user]) => String(user.Properties.UserName).endsWith(name));
      for (const service of redisServiceUsers) {
        const found = byName(`-sessions-${service}`);
        assert.ok(found, `no Redis user for ${service}`);
        assert.equal(found[1].Properties.AccessString, redisAccessString(service));
      }
      const disabled = byName('default');
      assert.ok(disabled, 'every user group has a default user');
      assert.match(String(disabled[1].Properties.AccessString), /^off .*-@all/);
      for (const [, user] of users) {
        assert.equal(user.Properties.Engine, 'valkey');
        assert.equal(user.Properties.NoPasswordRequired, undefined);
        const { Type, Passwords } = user.Properties.AuthenticationMode as { Type: string; Passwords: unknown[] };
        assert.equal(Type, 'password');
        assert.match(JSON.stringify(Passwords), /\{\{resolve:secretsmanager:.*:SecretString:password::\}\}/);
      }
      const [userGroup] = Object.values(templates.data.findResources('AWS::ElastiCache::UserGroup'));
      assert.ok(userGroup, 'a user group');
      assert.deepEqual(
        new Set((userGroup.Properties.UserIds as Array<{ Ref: string }>).map(({ Ref }) => Ref)),
        new Set(users.map(([id]) => id)),
      );

      // Each service's task gets its own user's secret, and nobody else's.
      const apps = containersOf(synthesized).filter(({ container }) => container.Name === 'app');
      const secretOf = { session: 'SessionsSessionCredentials', edge: 'SessionsEdgeCredentials' } as const;
      const readsFrom = (owner: TaskOwner, name: string) => {
        const app = apps.find(({ service }) => service === owner);
        assert.ok(app, `no ${owner} app container`);
        return secretSources(app.container, name).join();
      };
      const variables = {
        session: ['REDIS_USERNAME', 'REDIS_PASSWORD'],
        edge: [
          'RATE_LIMIT_REDIS_USERNAME',
          'RATE_LIMIT_REDIS_PASSWORD',
          'SESSION_REDIS_USERNAME',
          'SESSION_REDIS_PASSWORD',
        ],
      };
      for (const service of redisServiceUsers) {
        for (const name of variables[service]) {
          const source = readsFrom(service, name);
          const field = name.endsWith('_USERNAME') ? 'username' : 'password';
          assert.match(source, new RegExp(`${secretOf[service]}.*:${field}::`), `${service} ${name}`);
        }
      }
      for (const { service, container } of containersOf(synthesized)) {
        const redisSecrets = (container.Secrets ?? []).filter(({ ValueFrom }) =>
          /Sessions(Session|Edge|Default)Credentials/.test(JSON.stringify(ValueFrom)),
        );
        const own = service === 'session' || service === 'edge' ? secretOf[service] : null;
        for (const { Name, ValueFrom } of redisSecrets) {
          assert.ok(own && JSON.stringify(ValueFrom).includes(own), `${service} ${container.Name} gets ${Name}`);
        }
      }
    });

    test('the token table is on-demand, encrypted with the key, recoverable to a point in time, with TTL and the gsi1 index', () => {
      const { templates, config } = synthesized;
      templates.data.hasResource('AWS::DynamoDB::GlobalTable', {
        Properties: Match.objectLike({
          BillingMode: 'PAY_PER_REQUEST',
          SSESpecification: Match.objectLike({ SSEEnabled: true, SSEType: 'KMS' }),
          TimeToLiveSpecification: { AttributeName: TokenTable.ttlAttribute, Enabled: true },
          GlobalSecondaryIndexes: [
            Match.objectLike({
              IndexName: TokenTable.indexName,
              KeySchema: [
                { AttributeName: 'gsi1pk', KeyType: 'HASH' },
                { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
              ],
            }),
          ],
          Replicas: [
            Match.objectLike({
              PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
              DeletionProtectionEnabled: config.protectData,
            }),
          ],
        }),
        DeletionPolicy: config.protectData ? 'Retain' : 'Delete',
      });
      assert.equal(TokenTable.ttlAttribute, 'expiresAt');
      // The services create the same index locally under this name (the API-key listing queries it).
      assert.equal(TokenTable.indexName, 'gsi1');
    });

    test('every secret is encrypted with the customer-managed key, and every key rotates', () => {
      for (const { id, resource } of synthesized.resourcesOfType('AWS::SecretsManager::Secret')) {
        assert.ok(resource.Properties.KmsKeyId, `${id} has no KmsKeyId`);
      }
      for (const { id, resource } of synthesized.resourcesOfType('AWS::KMS::Key')) {
        assert.equal(resource.Properties.EnableKeyRotation, true, `${id} does not rotate`);
      }
      for (const { id, resource } of synthesized.resourcesOfType('AWS::Logs::LogGroup')) {
        assert.ok(resource.Properties.RetentionInDays, `${id} keeps logs forever`);
      }
    });

    test('the WAF rate-limits every IP and, more strictly, the credential paths', () => {
      const { templates, config } = synthesized;
      const [acl] = Object.values(templates.edge.findResources('AWS::WAFv2::WebACL'));
      const rules = acl?.Properties.Rules as Array<{
        Name: string;
        Statement: Record<string, Record<string, unknown>>;
        Action?: unknown;
      }>;
      const rateRule = (ruleName: string) => rules.find((rule) => rule.Name === ruleName)?.Statement.RateBasedStatement;
      assert.equal(rateRule('all-paths-per-ip')?.Limit, config.waf.perIpRequestsPer5Min);
      const credentialRule = rateRule('credential-paths-per-ip');
      assert.equal(credentialRule?.Limit, config.waf.authPerIpRequestsPer5Min);
      assert.equal(credentialRule?.AggregateKeyType, 'IP');
      // With a load test, the credential paths and "not a load-test address" (tested below).
      const scopeDown = credentialRule?.ScopeDownStatement as {
        AndStatement?: { Statements: [unknown, unknown] };
      };
      const { OrStatement } = (scopeDown.AndStatement?.Statements[0] ?? scopeDown) as {
        OrStatement: {
          Statements: Array<{
            ByteMatchStatement: { SearchString: string; TextTransformations: Array<{ Type: string }> };
          }>;
        };
      };
      // Listed here, not taken from the construct, so dropping one from the construct fails.
      const mustBeStrict = [
        '/auth/login',
        '/auth/mfa',
        '/auth/token/refresh',
        '/auth/signup',
        '/auth/step-up',
        '/auth/passkeys/login/verify',
        '/auth/passkeys/register/verify',
        '/auth/password',
        '/auth/password/reset/request',
        '/auth/email/verify',
        '/auth/email-code/verify',
        '/auth/totp/email-recovery/request',
      ];
      const strictPrefixes = OrStatement.Statements.map(({ ByteMatchStatement }) => ByteMatchStatement.SearchString);
      for (const path of mustBeStrict) {
        assert.ok(
          strictPrefixes.some((prefix) => path.startsWith(prefix)),
          `${path} is not rate-limited`,
        );
      }
      // Percent-encoded and dotted spellings of those paths must meet the same rule.
      for (const { ByteMatchStatement } of OrStatement.Statements) {
        const transformations = ByteMatchStatement.TextTransformations.map(({ Type }) => Type);
        assert.deepEqual(transformations, ['URL_DECODE_UNI', 'NORMALIZE_PATH', 'LOWERCASE']);
      }
      assert.ok(config.waf.authPerIpRequestsPer5Min < config.waf.perIpRequestsPer5Min);
      for (const group of ['AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet']) {
        assert.ok(
          rules.some((rule) => rule.Name === group),
          `${group} missing`,
        );
      }
      templates.edge.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
      templates.edge.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
        RedactedFields: Match.arrayWith([{ SingleHeader: { Name: 'authorization' } }]),
      });
    });

    test('the load balancer serves TLS with the configured certificate, redirects HTTP and logs access', () => {
      const { templates, config } = synthesized;
      templates.edge.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
        Protocol: 'HTTPS',
        Port: 443,
        Certificates: [{ CertificateArn: config.edge.certificateArn }],
        SslPolicy: Match.stringLikeRegexp('TLS13'),
      });
      templates.edge.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
        Protocol: 'HTTP',
        Port: 80,
        DefaultActions: [
          Match.objectLike({ Type: 'redirect', RedirectConfig: Match.objectLike({ Protocol: 'HTTPS' }) }),
        ],
      });
      templates.edge.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
        LoadBalancerAttributes: Match.arrayWith([
          { Key: 'deletion_protection.enabled', Value: String(config.protectData) },
          { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
          { Key: 'access_logs.s3.enabled', Value: 'true' },
        ]),
      });
      templates.edge.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
        // Liveness: a backend outage must not take every edge task out of the load balancer.
        HealthCheckPath: '/healthz',
      });
    });

    test('services roll back failed deployments, have no fixed task count and scale on CPU (edge also on requests)', () => {
      const services = synthesized.resourcesOfType('AWS::ECS::Service');
      assert.equal(services.length, 5);
      for (const { id, resource } of services) {
        const properties = resource.Properties;
        assert.deepEqual((properties.DeploymentConfiguration as Record<string, unknown>).DeploymentCircuitBreaker, {
          Enable: true,
          Rollback: true,
        });
        if (id.startsWith('WebhookDispatcher')) {
          // A worker: a fixed count from the parameters, outside Service Connect (it calls no service, none calls it).
          assert.equal(properties.DesiredCount, synthesized.config.webhooks.dispatcher.tasks ?? 1);
          assert.equal(properties.ServiceConnectConfiguration, undefined);
        } else if (id.startsWith('AdminApi')) {
          // One task for a few operators, a Service Connect client of the session replicas (admin-api-assertions.ts).
          assert.equal(properties.DesiredCount, 1);
        } else {
          assert.equal(properties.DesiredCount, undefined, `${id} fixes DesiredCount`);
          assert.equal((properties.ServiceConnectConfiguration as { Enabled: boolean }).Enabled, true);
        }
        assert.equal(
          (properties.NetworkConfiguration as Record<string, Record<string, unknown>>).AwsvpcConfiguration
            ?.AssignPublicIp,
          'DISABLED',
        );
      }
      const metrics = synthesized
        .resourcesOfType('AWS::ApplicationAutoScaling::ScalingPolicy')
        .map(({ resource }) => JSON.stringify(resource.Properties.TargetTrackingScalingPolicyConfiguration));
      assert.equal(metrics.filter((metric) => metric.includes('ECSServiceAverageCPUUtilization')).length, 3);
      assert.equal(metrics.filter((metric) => metric.includes('ALBRequestCountPerTarget')).length, 1);
      synthesized.templates.services.hasResourceProperties('AWS::ECS::Cluster', {
        ClusterSettings: [{ Name: 'containerInsights', Value: 'enhanced' }],
      });
    });

    test('containers get secrets only through Secrets Manager references and run read-only', () => {
      for (const { service, container } of containersOf(synthesized)) {
        const where = `${service}/${container.Name}`;
        assert.equal(container.ReadonlyRootFilesystem, true, `${where} has a writable root filesystem`);
        for (const variable of container.Environment ?? []) {
          assert.doesNotMatch(
            variable.Name,
            /PASSWORD|_TOKEN$|SECRET|_KEYS?$|^PGUSER$/,
            `${where} passes ${variable.Name} in plain text`,
          );
        }
        // The collector sidecar is the one container that needs no secret: its identity is the task role.
        if (container.Name !== 'otel-collector')
          assert.ok((container.Secrets ?? []).length > 0, `${where} has no secrets`);
        for (const secret of container.Secrets ?? []) {
          assert.match(
            JSON.stringify(secret.ValueFrom),
            /ExportsOutputRef|Ref|arn:/,
            `${where}: ${secret.Name} is not a reference`,
          );
        }
      }
    });

    test('every service task runs the ADOT collector beside its app, which exports to it on the loopback', () => {
      const { config } = synthesized;
      const services = containersOf(synthesized).filter(({ service }) => service !== 'provisioning');
      for (const service of ['edge', 'session', 'orchestrator'] as const) {
        const container = (name: string) =>
          services.find((entry) => entry.service === service && entry.container.Name === name)?.container;
        const collector = container('otel-collector');
        const app = container('app');
        assert.ok(collector && app, `${service} has no collector or no app`);
        assert.equal(collector.Image, collectorImage, 'the image is pinned by version');
        assert.match(collectorImage, /:v[0-9]+\.[0-9]+\.[0-9]+$/);
        assert.equal(collector.Essential, false, 'a stopped collector does not stop the app');
        const collectorConfig = JSON.parse(environmentAtDeploy(collector).AOT_CONFIG_CONTENT ?? '{}');
        assert.deepEqual(collectorConfig.receivers.otlp.protocols, { http: { endpoint: '127.0.0.1:4318' } });
        assert.deepEqual(collectorConfig.service.pipelines.traces.exporters, ['awsxray']);
        assert.deepEqual(collectorConfig.service.pipelines.metrics.exporters, ['awsemf']);
        assert.equal(collectorConfig.exporters.awsemf.namespace, metricsNamespace(config.name));
        assert.ok(
          collectorConfig.exporters.awsemf.metric_declarations.some(
            (declaration: { metric_name_selectors: string[] }) =>
              declaration.metric_name_selectors.includes('^http\\.server\\.request\\.duration$'),
          ),
          'the request duration is published: the dashboard reads rate, errors and duration from it',
        );
        const environment = environmentAtDeploy(app);
        assert.equal(environment.OTEL_EXPORTER_OTLP_ENDPOINT, 'http://127.0.0.1:4318');
        assert.equal(environment.OTEL_SERVICE_NAME, `authscale-${service}`);
        assert.equal(environment.OTEL_TRACES_SAMPLER_ARG, String(config.services.traceSampleRatio));
        assert.ok(
          app.DependsOn?.some(
            ({ ContainerName, Condition }) => ContainerName === 'otel-collector' && Condition === 'START',
          ),
        );
      }
      // The dispatcher sends metrics only: a span of a delivery would carry a URL a tenant chose.
      const dispatcher = (name: string) =>
        services.find((entry) => entry.service === 'webhook-dispatcher' && entry.container.Name === name)?.container;
      const collector = dispatcher('otel-collector');
      const app = dispatcher('app');
      assert.ok(collector && app, 'the dispatcher has no collector or no app');
      const collectorConfig = JSON.parse(environmentAtDeploy(collector).AOT_CONFIG_CONTENT ?? '{}');
      assert.equal(collectorConfig.service.pipelines.traces, undefined);
      const declared = (collectorConfig.exporters.awsemf.metric_declarations as MetricDeclaration[]).flatMap(
        (declaration) => declaration.metric_name_selectors,
      );
      for (const metric of ['authscale.webhook.deliveries', 'authscale.webhook.delivery_lag']) {
        assert.ok(declared.includes(exactly(metric)), `${metric} is not published`);
      }
      const environment = environmentAtDeploy(app);
      assert.equal(environment.OTEL_SERVICE_NAME, 'authscale-webhook-dispatcher');
      assert.equal(environment.OTEL_TRACES_EXPORTER, 'none');
      // Percentiles of the lag (its alarm's p99) need an exponential histogram in CloudWatch.
      assert.equal(
        environment.OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION,
        'base2_exponential_bucket_histogram',
      );
    });

    test('the webhook dispatcher runs its entry point from the orchestrator image, with no port and no health probe', () => {
      const app = containersOf(synthesized).find(
        ({ service, container }) => service === 'webhook-dispatcher' && container.Name === 'app',
      )?.container as (ContainerDefinition & { PortMappings?: unknown; HealthCheck?: unknown }) | undefined;
      assert.ok(app);
      assert.deepEqual(app.Command, [...webhookDispatcherCommand]);
      assert.equal(app.PortMappings, undefined);
      assert.equal(app.HealthCheck, undefined);
      const inRepository = (webhookDispatcherCommand.at(-1) as string).replace(/^\/app\//, '../../');
      assert.ok(existsSync(new URL(inRepository, import.meta.url)), 'the dispatcher entry point is not in the image');
      // The same Node flags as the image's CMD, the telemetry preload among them.
      const dockerfile = readFileSync(new URL(`../../${serviceDockerfile}`, import.meta.url), 'utf8');
      const cmd = /^CMD (\[.*\])$/m.exec(dockerfile)?.[1];
      assert.deepEqual(webhookDispatcherCommand.slice(0, -1), (JSON.parse(cmd ?? '[]') as string[]).slice(0, -1));
    });

    test('no container sets an INSECURE_* opt-out, and every PUBLIC_ORIGIN is https', () => {
      for (const { service, container } of containersOf(synthesized)) {
        const where = `${service}/${container.Name}`;
        for (const { Name, Value } of container.Environment ?? []) {
          assert.doesNotMatch(Name, /^INSECURE_/, `${where} sets ${Name}`);
          if (Name === 'PUBLIC_ORIGIN') assert.match(String(Value), /^https:\/\//, `${where}: PUBLIC_ORIGIN ${Value}`);
        }
        for (const { Name } of container.Secrets ?? [])
          assert.doesNotMatch(Name, /^INSECURE_/, `${where} sets ${Name}`);
      }
    });

    test('every app container gets each variable its service requires, and no name its service does not read', () => {
      const contracts = serviceEnvironmentContracts();
      const apps = containersOf(synthesized).filter(
        (entry): entry is { service: ServiceName; container: ContainerDefinition } =>
          entry.container.Name === 'app' && entry.service !== 'provisioning',
      );
      assert.deepEqual(apps.map(({ service }) => service).sort(), [
        'admin-api',
        'edge',
        'orchestrator',
        'session',
        'webhook-dispatcher',
      ]);
      for (const { service, container } of apps) {
        const passed = namesPassedTo(container);
        const { known, required } = contracts[service];
        const readByLibraries = new Set<string>(variablesReadByLibraries[service]);
        for (const name of passed) {
          assert.ok(known.has(name) || readByLibraries.has(name), `${service} is given ${name}, which it never reads`);
        }
        for (const name of [...required, ...requiredByTheDeployment[service]]) {
          assert.ok(passed.has(name), `${service} needs ${name} and the stack does not pass it`);
        }
      }
      const plainValue = (service: ServiceName, name: string) =>
        JSON.stringify(
          apps.find((app) => app.service === service)?.container.Environment?.find((variable) => variable.Name === name)
            ?.Value,
        );
      assert.equal(plainValue('session', 'SESSION_BACKEND'), '"redis-cluster"');
      assert.match(
        plainValue('session', 'REDIS_CLUSTER_URLS'),
        /^\{"Fn::Join":\["",\["rediss:\/\//,
        'TLS to the cluster',
      );
      for (const name of ['RATE_LIMIT_REDIS_URLS', 'SESSION_REDIS_URLS']) {
        assert.match(plainValue('edge', name), /^\{"Fn::Join":\["",\["rediss:\/\//, 'TLS to the cluster');
      }
      // The dispatcher holds its database user's name and the key endpoint secrets are sealed under, nothing else.
      const dispatcher = apps.find(({ service }) => service === 'webhook-dispatcher')?.container;
      assert.deepEqual((dispatcher?.Secrets ?? []).map(({ Name }) => Name).sort(), ['PGUSER', 'TOTP_ENCRYPTION_KEY']);
      assert.match(
        secretSources(dispatcher as ContainerDefinition, 'PGUSER').join(),
        /IdentityEventsSecret.*:username::/,
      );
      // The services must agree on the shared secrets, so each is the one secret everywhere.
      for (const name of ['INTERNAL_API_TOKEN', 'PRINCIPAL_ASSERTION_KEY', 'TOTP_ENCRYPTION_KEY']) {
        const sources = new Set(apps.flatMap(({ container }) => secretSources(container, name)));
        assert.equal(sources.size, 1, `${name} comes from ${sources.size} different secrets`);
      }
    });

    test('every app container is given values its service accepts: lists, counts and switches as it reads them', () => {
      const environmentOf = (service: ServiceName) => {
        const app = containersOf(synthesized).find(
          (entry) => entry.service === service && entry.container.Name === 'app',
        );
        assert.ok(app, `no ${service} app container`);
        return environmentAtDeploy(app.container);
      };
      // The services' own loaders judge, so a comma list, a hop count or a URL scheme the stack
      // writes in a form the service would refuse fails here rather than at the first deployment.
      const problems = serviceConfigProblems({
        edge: environmentOf('edge'),
        session: environmentOf('session'),
        orchestrator: environmentOf('orchestrator'),
        'webhook-dispatcher': environmentOf('webhook-dispatcher'),
        'admin-api': environmentOf('admin-api'),
      });
      assert.deepEqual(problems, {
        edge: [],
        session: [],
        orchestrator: [],
        'webhook-dispatcher': [],
        'admin-api': [],
      });
    });

    test("every orchestrator task migrates the identity schema before its app starts; only the migration holds the owner's credentials", () => {
      const byName = (service: TaskOwner, name: string) =>
        containersOf(synthesized).find((entry) => entry.service === service && entry.container.Name === name)
          ?.container;
      const migrate = byName('orchestrator', 'migrate');
      const app = byName('orchestrator', 'app');
      assert.ok(migrate && app);
      assert.equal(migrate.Essential, false, 'a migration that exits must not stop the task');
      assert.deepEqual(migrate.Command, ['node', identityMigrationsEntry]);
      assert.deepEqual(app.DependsOn, [
        { ContainerName: 'otel-collector', Condition: 'START' },
        { ContainerName: 'migrate', Condition: 'SUCCESS' },
      ]);
      assert.deepEqual([...namesPassedTo(migrate)].sort(), [...postgresVariables].sort());
      for (const name of ['PGUSER', 'PGPASSWORD']) {
        assert.match(secretSources(migrate, name).join(), /IdentityOwnerSecret/, `migrate ${name} is not the owner's`);
      }
      assert.match(secretSources(app, 'PGUSER').join(), /IdentityAppSecret/, "app PGUSER is not the app role's");
      // The data stack's provisioning task sets the owner's password when it creates the role (below).
      const provisioning = byName('provisioning', 'provision');
      for (const { container } of containersOf(synthesized).filter(
        (entry) => entry.container !== migrate && entry.container !== provisioning,
      )) {
        assert.doesNotMatch(JSON.stringify(container.Secrets ?? []), /OwnerSecret|IdentityClusterSecret/);
      }
      assert.equal(byName('edge', 'migrate'), undefined);
      assert.equal(byName('session', 'migrate'), undefined);
    });

    test('the app role reaches the database only with IAM tokens: required at the proxy for its secret alone, and no app holds a password', () => {
      const { templates } = synthesized;
      const [proxy] = Object.values(templates.data.findResources('AWS::RDS::DBProxy'));
      assert.ok(proxy);
      const auth = proxy.Properties.Auth as Array<{ IAMAuth: string; SecretArn: unknown }>;
      const iamOf = (secret: string) => auth.find((entry) => JSON.stringify(entry.SecretArn).includes(secret))?.IAMAuth;
      assert.equal(iamOf('IdentityAppSecret'), 'REQUIRED');
      assert.equal(iamOf('IdentityEventsSecret'), 'REQUIRED');
      assert.equal(iamOf('IdentityOperatorSecret'), 'REQUIRED');
      // The one-off migrations and provisioning keep their passwords (and no task role of theirs may connect).
      assert.equal(iamOf('IdentityOwnerSecret'), 'DISABLED');
      assert.equal(iamOf('IdentityClusterSecret'), 'DISABLED');
      assert.equal(proxy.Properties.RequireTLS, true);
      for (const { service, container } of containersOf(synthesized).filter(
        (entry) => entry.container.Name === 'app',
      )) {
        assert.equal(secretSources(container, 'PGPASSWORD').join(), '', `${service} app gets a database password`);
        assert.doesNotMatch(JSON.stringify(container.Secrets ?? []), /IdentityAppSecret[^"]*:password::/);
      }
      for (const service of ['orchestrator', 'webhook-dispatcher', 'admin-api'] as const) {
        const app = containersOf(synthesized).find(
          (entry) => entry.service === service && entry.container.Name === 'app',
        );
        assert.ok(app, `no ${service} app`);
        assert.deepEqual(
          app.container.Environment?.find(({ Name }) => Name === 'DATABASE_IAM_AUTH'),
          { Name: 'DATABASE_IAM_AUTH', Value: 'true' },
        );
      }
    });

    test('the data stack creates the database roles and the database at deploy, as the master user, through the proxy', () => {
      const { templates, stacks } = synthesized;
      const data = templates.data;
      const [provisionId] = Object.keys(data.findResources('Custom::IdentityProvisioning'));
      assert.ok(provisionId, 'no provisioning resource');
      const provision = data.toJSON().Resources[provisionId] as CfnResource & { DependsOn?: string[] };
      const [taskDefinitionId] = Object.keys(data.findResources('AWS::ECS::TaskDefinition'));
      const [proxyId] = Object.keys(data.findResources('AWS::RDS::DBProxy'));
      const [targetGroupId] = Object.keys(data.findResources('AWS::RDS::DBProxyTargetGroup'));
      // Every new task definition revision (a new image) is a new property value, so it runs again.
      assert.deepEqual(provision.Properties.taskDefinition, { Ref: taskDefinitionId });
      assert.equal(provision.Properties.containerName, 'provision');
      assert.match(JSON.stringify(provision.Properties.subnets), /dataSubnet1.*dataSubnet2/, 'in the isolated subnets');
      // It waits for the proxy and its targets (which wait for the database instances).
      assert.ok(
        provision.DependsOn?.includes(proxyId as string) && provision.DependsOn.includes(targetGroupId as string),
      );
      // The services (each orchestrator task migrates as the owner) deploy only once it succeeded.
      assert.ok(stacks.services.dependencies.includes(stacks.data));

      const [entry] = containersOf(synthesized).filter(({ service }) => service === 'provisioning');
      assert.ok(entry && entry.container.Name === 'provision');
      const { container } = entry;
      assert.deepEqual(container.Command, ['node', identityProvisioningEntry]);
      const plain = Object.fromEntries((container.Environment ?? []).map(({ Name, Value }) => [Name, Value]));
      assert.deepEqual(plain.PGHOST, { 'Fn::GetAtt': [proxyId, 'Endpoint'] });
      assert.equal(plain.PGDATABASE, 'postgres', 'the master user creates the database from the maintenance one');
      assert.equal(plain.PGSSLMODE, 'verify-full');
      assert.equal(plain.IDENTITY_DATABASE, stacks.data.aurora.databaseName);
      for (const name of ['PGUSER', 'PGPASSWORD']) {
        assert.match(
          secretSources(container, name).join(),
          /IdentityClusterSecret/,
          `${name} is not the master user's`,
        );
      }
      assert.match(secretSources(container, 'OWNER_ROLE_PASSWORD').join(), /IdentityOwnerSecret.*:password::/);
      assert.match(secretSources(container, 'APP_ROLE_PASSWORD').join(), /IdentityAppSecret.*:password::/);
      assert.match(secretSources(container, 'EVENTS_ROLE_PASSWORD').join(), /IdentityEventsSecret.*:password::/);
      assert.match(secretSources(container, 'OPERATOR_ROLE_PASSWORD').join(), /IdentityOperatorSecret.*:password::/);
      // Run again on every new image, it must never set a password rotation has since changed.
      assert.ok(!namesPassedTo(container).has('RESET_ROLE_PASSWORDS'));

      // The command's own schema and loader judge what the task passes, as for the services.
      const { contract, problems } = provisionCommandCheck(environmentAtDeploy(container));
      assert.deepEqual(problems, []);
      for (const name of namesPassedTo(container)) {
        assert.ok(contract.known.has(name) || postgresVariables.includes(name as never), `given ${name}, never read`);
      }
      for (const name of contract.required) assert.ok(namesPassedTo(container).has(name), `${name} is missing`);
      for (const command of [identityProvisioningEntry, identityMigrationsEntry]) {
        const inRepository = command.replace(/^\/app\//, '../../');
        assert.ok(existsSync(new URL(inRepository, import.meta.url)), `${command} is not in the image`);
      }
    });

    test('the function that runs the provisioning task may start that task definition and watch its cluster, nothing more', () => {
      const data = synthesized.templates.data;
      const [taskDefinitionId] = Object.keys(data.findResources('AWS::ECS::TaskDefinition'));
      const [clusterId] = Object.keys(data.findResources('AWS::ECS::Cluster'));
      const [, policy] =
        Object.entries(data.findResources('AWS::IAM::Policy')).find(([id]) =>
          id.startsWith('IdentityProvisioningRunnerRole'),
        ) ?? [];
      const statements = statementsOf(policy as never).map((statement) => ({
        actions: asList(statement.Action).sort().join(','),
        resource: JSON.stringify(statement.Resource),
        condition: JSON.stringify(statement.Condition ?? null),
      }));
      const byActions = (actions: string) => statements.find((statement) => statement.actions === actions);
      assert.deepEqual(statements.map((statement) => statement.actions).sort(), [
        'ecs:DescribeTasks,ecs:StopTask',
        'ecs:RunTask',
        'iam:PassRole',
        'logs:CreateLogStream,logs:PutLogEvents',
      ]);
      assert.equal(byActions('ecs:RunTask')?.resource, JSON.stringify({ Ref: taskDefinitionId }));
      assert.match(
        String(byActions('ecs:RunTask')?.condition),
        new RegExp(`"ecs:cluster":\\{"Fn::GetAtt":\\["${clusterId}"`),
      );
      assert.match(
        String(byActions('ecs:DescribeTasks,ecs:StopTask')?.resource),
        new RegExp(`task/",\\{"Ref":"${clusterId}"\\},"/\\*"`),
      );
      assert.match(String(byActions('iam:PassRole')?.condition), /ecs-tasks\.amazonaws\.com/);
      // It holds no credentials: it only starts the task, which reads the secrets itself.
      const [runner] = Object.values(
        data.findResources('AWS::Lambda::Function', {
          Properties: { Description: Match.stringLikeRegexp('provisioning task') },
        }),
      );
      assert.ok(runner, 'no runner function');
      assert.equal(runner.Properties.Environment, undefined);
      assert.equal(runner.Properties.VpcConfig, undefined);
    });

    test('every image builds from the one services Dockerfile, once per service', () => {
      const images = synthesized.dockerImages;
      const hashesOf = new Map<string, Set<string>>();
      for (const image of images) {
        const service = String(image.dockerBuildArgs?.SERVICE);
        hashesOf.set(service, new Set([...(hashesOf.get(service) ?? []), image.hash]));
      }
      assert.deepEqual([...hashesOf.keys()].sort(), ['edge', 'orchestrator', 'session']);
      // The provisioning task runs the orchestrator's image: the same asset, built and pushed once.
      for (const [service, hashes] of hashesOf) assert.equal(hashes.size, 1, `${service} builds ${hashes.size} images`);
      assert.deepEqual(
        images
          .filter((image) => image.dockerBuildArgs?.SERVICE === 'orchestrator')
          .map((image) => image.stack)
          .sort(),
        ['data', 'services'],
      );
      for (const image of images) {
        assert.equal(image.dockerFile, serviceDockerfile);
        assert.ok(existsSync(new URL(`../../${image.dockerFile}`, import.meta.url)), `${image.dockerFile} is missing`);
        assert.deepEqual(Object.keys(image.dockerBuildArgs ?? {}), ['SERVICE']);
      }
    });

    test('IAM statements name their resources; only actions without resource scope use *', () => {
      const policies = synthesized.resourcesOfType('AWS::IAM::Policy');
      assert.ok(policies.length > 0);
      // Inline policies of roles count too (CDK's custom-resource providers write theirs there).
      const inlinePolicies = synthesized
        .resourcesOfType('AWS::IAM::Role')
        .flatMap(({ id, resource }) =>
          ((resource.Properties.Policies as Array<{ PolicyDocument: unknown }> | undefined) ?? []).map(
            ({ PolicyDocument }) => ({ id, resource: { Properties: { PolicyDocument } } }),
          ),
        );
      for (const { id, resource } of [...policies, ...inlinePolicies]) {
        for (const statement of statementsOf(resource)) {
          const actions = asList(statement.Action);
          if (asList(statement.Resource).includes('*')) {
            for (const action of actions) {
              assert.ok(actionsWithoutResourceScope.has(action), `${id}: ${action} on *`);
            }
          }
          for (const action of actions) assert.doesNotMatch(action, /^[a-z0-9-]+:\*$/, `${id}: ${action}`);
        }
      }
      // The two exceptions: the singleton providers of the CDK's own custom resources (the default
      // security group's restriction) attach AWSLambdaBasicExecutionRole for their logs, and the role
      // RDS enhanced monitoring assumes has the policy AWS keeps for it; nothing else.
      const cdkProviderRole = /^Custom[A-Za-z0-9]+CustomResourceProviderRole[0-9A-F]{8}$/;
      for (const { id, resource } of synthesized.resourcesOfType('AWS::IAM::Role')) {
        const managed = resource.Properties.ManagedPolicyArns;
        if (cdkProviderRole.test(id)) {
          assert.match(
            JSON.stringify(managed),
            /^\[\{"Fn::Sub":"arn:\$\{AWS::Partition\}:iam::aws:policy\/service-role\/AWSLambdaBasicExecutionRole"\}\]$/,
          );
        } else if (/^IdentityClusterMonitoringRole[0-9A-F]{8}$/.test(id)) {
          assert.match(
            JSON.stringify(managed),
            /^\[\{"Fn::Join":\["",\["arn:",\{"Ref":"AWS::Partition"\},":iam::aws:policy\/service-role\/AmazonRDSEnhancedMonitoringRole"\]\]\}\]$/,
          );
        } else {
          assert.equal(managed, undefined, `${id} attaches a managed policy`);
        }
      }
    });

    test('task roles are least-privilege: only the orchestrator and the admin API touch data, and only token-table items', () => {
      const { templates, stacks } = synthesized;
      const taskRolePolicies = (template: typeof templates.services, rolePrefix: string) =>
        Object.entries(template.findResources('AWS::IAM::Policy')).filter(([policyId]) =>
          policyId.startsWith(rolePrefix),
        );
      // Every service's task role writes its collector's traces and metrics (`telemetryStatements`), nothing more.
      const telemetryOnly = (template: typeof templates.services, rolePrefix: string) => {
        const policies = taskRolePolicies(template, rolePrefix);
        assert.equal(policies.length, 1, `${rolePrefix}: one policy`);
        return telemetryStatements(statementsOf(policies[0]?.[1] as never));
      };
      assert.deepEqual(telemetryOnly(templates.services, 'SessionTaskTaskRole').others, []);
      assert.deepEqual(telemetryOnly(templates.edge, 'EdgeTaskTaskRole').others, []);
      assert.deepEqual(taskRolePolicies(templates.data, 'IdentityProvisioningTaskTaskRole'), []);
      const statements = telemetryOnly(templates.services, 'OrchestratorTaskTaskRole').others;
      const dynamo = statements.find((statement) => asList(statement.Action).some((a) => a.startsWith('dynamodb:')));
      assert.deepEqual(asList(dynamo?.Action ?? []).sort(), [...tokenTableActions].sort());
      const tableResources = JSON.stringify(dynamo?.Resource);
      assert.match(tableResources, /\/index\/gsi1"/, 'the one index the API-key listing queries');
      assert.doesNotMatch(tableResources, /index\/\*/, 'no wildcard over indexes');
      const kms = statements.find((statement) => asList(statement.Action).some((a) => a.startsWith('kms:')));
      assert.match(JSON.stringify(kms?.Condition), /dynamodb\./, 'the table key is usable only through DynamoDB');
      // Mail: sending alone, from its own identity and with its own configuration set.
      const ses = statements.filter((statement) => asList(statement.Action).some((a) => a.startsWith('ses:')));
      assert.deepEqual([...new Set(ses.flatMap((statement) => asList(statement.Action)))].sort(), [
        'ses:SendEmail',
        'ses:SendRawEmail',
      ]);
      assert.match(JSON.stringify(ses.map((statement) => statement.Resource)), /:identity\/.*configuration-set\//);
      // The database: connect through the proxy as the app role or its rotation clone, nothing more.
      const rds = statements.filter((statement) => asList(statement.Action).some((a) => a.startsWith('rds')));
      assert.deepEqual([...new Set(rds.flatMap((statement) => asList(statement.Action)))], ['rds-db:connect']);
      // Published by the data stack, computed there from the proxy's ARN (cfn-lint E1022 otherwise).
      const dataOutputs = templates.data.toJSON().Outputs as Record<string, { Value: unknown }>;
      const resources = rds.flatMap((statement) => asList(statement.Resource as unknown));
      const published = resources.map((resource) => {
        const read = (resource as { 'Fn::GetStackOutput'?: { StackName: string; OutputName: string } })[
          'Fn::GetStackOutput'
        ];
        assert.ok(read?.StackName === stacks.data.stackName, 'a connect resource not read from the data stack');
        return dataOutputs[read.OutputName]?.Value;
      });
      const dbUsers = JSON.stringify(published);
      for (const user of ['authscale_app', 'authscale_app_clone']) {
        assert.match(dbUsers, new RegExp(`:dbuser:".*/${user}"`), `the orchestrator cannot connect as ${user}`);
      }
      assert.match(dbUsers, /"Fn::Select":\[6,\{"Fn::Split":\[":",\{"Fn::GetAtt":\["IdentityClusterProxy/);
      assert.equal(published.length, 2);
      assert.doesNotMatch(dbUsers, /authscale_owner|authscale_admin|\/\*"/);
      assert.equal(statements.length, 4 + rds.length);
      assert.ok(stacks.services.orchestrator.taskRole);

      // The dispatcher: its collector's metrics log group, and connecting as the events role or its clone.
      const dispatcher = taskRolePolicies(templates.services, 'WebhookDispatcherTaskTaskRole');
      assert.equal(dispatcher.length, 1);
      const dispatcherStatements = telemetryStatements(statementsOf(dispatcher[0]?.[1] as never), {
        traces: false,
      }).others;
      assert.deepEqual(
        dispatcherStatements.map((statement) => asList(statement.Action).join()),
        ['rds-db:connect'],
      );
      const dispatcherUsers = JSON.stringify(
        asList(dispatcherStatements[0]?.Resource as unknown).map((resource) => {
          const read = (resource as { 'Fn::GetStackOutput': { OutputName: string } })['Fn::GetStackOutput'];
          return dataOutputs[read.OutputName]?.Value;
        }),
      );
      for (const user of ['authscale_events', 'authscale_events_clone']) {
        assert.match(dispatcherUsers, new RegExp(`:dbuser:".*/${user}"`), `the dispatcher cannot connect as ${user}`);
      }
      assert.doesNotMatch(dispatcherUsers, /authscale_app|authscale_owner|authscale_admin|\/\*"/);
    });

    test('mail goes through an SES domain identity whose configuration set suppresses bounces and complaints', () => {
      const { templates, config } = synthesized;
      templates.services.hasResourceProperties('AWS::SES::EmailIdentity', {
        EmailIdentity: config.edge.publicHostname,
      });
      templates.services.hasResourceProperties('AWS::SES::ConfigurationSet', {
        SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
        DeliveryOptions: { TlsPolicy: 'REQUIRE' },
      });
      const orchestrator = containersOf(synthesized).find(
        ({ service, container }) => service === 'orchestrator' && container.Name === 'app',
      );
      const names = (orchestrator?.container.Environment ?? []).map(({ Name }) => Name);
      assert.ok(names.includes('SES_REGION') && names.includes('SES_CONFIGURATION_SET'));
    });

    test("sign-in by email code is on exactly where the environment's parameters turn it on", () => {
      const { config } = synthesized;
      const orchestrator = containersOf(synthesized).find(
        ({ service, container }) => service === 'orchestrator' && container.Name === 'app',
      );
      const setting = orchestrator?.container.Environment?.find(({ Name }) => Name === 'EMAIL_CODE_SIGN_IN');
      assert.equal(setting?.Value, String(config.signIn.emailCode));
    });

    test('only the load balancer is open to the internet; every other port admits named peers only', () => {
      const rules = ingressRules(synthesized);
      const open = rules.filter((rule) => rule.source === '0.0.0.0/0');
      assert.deepEqual(open.map((rule) => `${rule.group}:${rule.port}`).sort(), [
        'LoadBalancerSecurityGroup:443',
        'LoadBalancerSecurityGroup:80',
      ]);
      const sourcesOf = (port: number) =>
        rules
          .filter((rule) => rule.port === port)
          .map((rule) => rule.source.replace(/[0-9A-F]{8}$/, ''))
          .sort();
      const { config } = synthesized;
      assert.deepEqual(sourcesOf(config.redis.port), ['EdgeSecurityGroup', 'SessionSecurityGroup']);
      assert.deepEqual(sourcesOf(5432), [
        'AdminApiSecurityGroup',
        'IdentityProvisioningSecurityGroup',
        'OrchestratorSecurityGroup',
        'WebhookDispatcherSecurityGroup',
      ]);
      assert.deepEqual(sourcesOf(8081), ['AdminApiSecurityGroup', 'EdgeSecurityGroup', 'OrchestratorSecurityGroup']);
      assert.deepEqual(sourcesOf(8082), ['EdgeSecurityGroup']);
      assert.deepEqual(sourcesOf(8080), ['LoadBalancerSecurityGroup']);
      for (const rule of rules.filter((candidate) => candidate.port === 'cluster port')) {
        assert.match(rule.source, /Proxy|Rotation/, 'the database admits only the proxy and its rotation functions');
      }
    });

    test('a rotated database or signing-key secret rolls the orchestrator, and that function can do nothing else', () => {
      const { templates } = synthesized;
      const [, rule] =
        Object.entries(templates.services.findResources('AWS::Events::Rule')).find(([id]) =>
          id.startsWith('RedeployOrchestratorOnRotation'),
        ) ?? [];
      const pattern = rule?.Properties.EventPattern as {
        detail: { eventName: string[]; additionalEventData: unknown };
      };
      assert.deepEqual(pattern.detail.eventName, ['RotationSucceeded']);
      const secrets = JSON.stringify(pattern.detail.additionalEventData);
      assert.match(secrets, /IdentityAppSecret/);
      assert.match(secrets, /JwtSigningKeysSecret/);
      const [, policy] =
        Object.entries(templates.services.findResources('AWS::IAM::Policy')).find(([id]) =>
          id.startsWith('RedeployOrchestratorOnRotationRole'),
        ) ?? [];
      const ecsStatements = statementsOf(policy as never).filter((statement) =>
        asList(statement.Action).some((action) => action.startsWith('ecs:')),
      );
      assert.deepEqual(
        ecsStatements.map((statement) => [statement.Action, JSON.stringify(statement.Resource)]),
        [['ecs:UpdateService', JSON.stringify({ Ref: orchestratorServiceId(templates.services) })]],
      );
    });

    test('the internal API token and the principal-assertion key rotate on a schedule, and each rotation rolls every service that reads them', () => {
      const { templates } = synthesized;
      const secretIds = Object.keys(templates.data.findResources('AWS::SecretsManager::Secret'));
      const secretId = (prefix: string) => {
        const id = secretIds.find((candidate) => candidate.startsWith(prefix));
        assert.ok(id, `no ${prefix} secret`);
        return id;
      };
      const [token, key] = [secretId('InternalApiToken'), secretId('PrincipalAssertionKey')];
      const shared = [token, key];
      const schedules = Object.values(templates.data.findResources('AWS::SecretsManager::RotationSchedule'));
      for (const id of shared) {
        const schedule = schedules.find(
          (candidate) => JSON.stringify(candidate.Properties.SecretId) === JSON.stringify({ Ref: id }),
        );
        assert.ok(schedule, `${id} has no rotation schedule`);
        assert.deepEqual(schedule.Properties.RotationRules, { ScheduleExpression: 'rate(30 days)' }, id);
        // The first rotation runs at deploy: it turns the generated value into the three the tasks read.
        assert.equal(schedule.Properties.RotateImmediatelyOnUpdate, true, id);
        assert.ok(schedule.Properties.RotationLambdaARN, `${id} rotates with a function`);
      }
      // Secrets Manager's RotationSucceeded event for a secret rolls each service that reads it.
      const rotatedSecretsRollingEach = {
        session: [templates.services, 'RedeploySessionOnRotation', [token]],
        orchestrator: [templates.services, 'RedeployOrchestratorOnRotation', shared],
        edge: [templates.edge, 'RedeployEdgeOnRotation', shared],
        'admin API': [templates.services, 'RedeployAdminApiOnRotation', [token]],
      } as const;
      for (const [service, [template, prefix, secrets]] of Object.entries(rotatedSecretsRollingEach)) {
        const [, rule] =
          Object.entries(template.findResources('AWS::Events::Rule')).find(([id]) => id.startsWith(prefix)) ?? [];
        assert.ok(rule, `nothing rolls the ${service} service when a secret rotates`);
        const watched = JSON.stringify(rule.Properties.EventPattern);
        assert.match(watched, /"eventName":\["RotationSucceeded"\]/);
        for (const id of secrets) assert.ok(watched.includes(id), `${service} is not rolled when ${id} rotates`);
      }
    });

    test('receivers get the current, previous and next values of each shared secret as Secrets Manager references; the edge, a sender, the current ones', () => {
      const apps = containersOf(synthesized).filter(({ container }) => container.Name === 'app');
      const source = (service: ServiceName, name: string) => {
        const app = apps.find((entry) => entry.service === service);
        assert.ok(app, `no ${service} app container`);
        return secretSources(app.container, name).join();
      };
      const families = { INTERNAL_API_TOKEN: 'InternalApiToken', PRINCIPAL_ASSERTION_KEY: 'PrincipalAssertionKey' };
      const receivers = { INTERNAL_API_TOKEN: ['session', 'orchestrator'], PRINCIPAL_ASSERTION_KEY: ['orchestrator'] };
      for (const [name, secret] of Object.entries(families) as Array<[keyof typeof families, string]>) {
        for (const service of receivers[name]) {
          for (const [suffix, field] of [
            ['', 'current'],
            ['_PREVIOUS', 'previous'],
            ['_NEXT', 'next'],
          ] as const) {
            const reference = source(service as ServiceName, `${name}${suffix}`);
            assert.ok(reference.includes(secret), `${service} ${name}${suffix} is not read from the ${secret} secret`);
            assert.ok(reference.includes(`:${field}::`), `${service} ${name}${suffix} is not its ${field} field`);
          }
        }
        assert.match(source('edge', name), new RegExp(`${secret}.*:current::`), `edge ${name}`);
        for (const suffix of ['_PREVIOUS', '_NEXT'])
          assert.equal(source('edge', `${name}${suffix}`), '', `edge ${name}${suffix}`);
      }
    });

    test('a failed or abandoned rotation of any rotated secret sets off an alarm that notifies the topic', () => {
      const { templates } = synthesized;
      const rotated = Object.values(templates.data.findResources('AWS::SecretsManager::RotationSchedule')).map(
        (schedule) => JSON.stringify(schedule.Properties.SecretId),
      );
      assert.ok(rotated.length >= 6, `only ${rotated.length} rotation schedules`);
      const rules = Object.entries(templates.data.findResources('AWS::Events::Rule')).filter(([, rule]) =>
        JSON.stringify(rule.Properties.EventPattern).includes('"RotationFailed"'),
      );
      assert.equal(rules.length, 1, 'one rule matches failed rotations');
      const [ruleId, rule] = rules[0] as [string, CfnResource];
      const pattern = rule.Properties.EventPattern as {
        source: string[];
        detail: { eventName: string[]; additionalEventData: { SecretId: unknown[] } };
      };
      assert.deepEqual(pattern.source, ['aws.secretsmanager']);
      assert.deepEqual(pattern.detail.eventName, ['RotationFailed', 'RotationAbandoned']);
      const watched = pattern.detail.additionalEventData.SecretId.map((secret) => JSON.stringify(secret));
      for (const secret of rotated) assert.ok(watched.includes(secret), `a failed rotation of ${secret} goes unseen`);

      const [alarm] = Object.values(templates.data.findResources('AWS::CloudWatch::Alarm')).filter(
        (candidate) =>
          candidate.Properties.Namespace === 'AWS/Events' &&
          JSON.stringify(candidate.Properties.Dimensions).includes(`"Ref":"${ruleId}"`),
      );
      assert.ok(alarm, 'no alarm counts the matches of the failed-rotation rule');
      assert.equal(alarm.Properties.MetricName, 'TriggeredRules');
      assert.equal(alarm.Properties.Threshold, 1);
      assert.equal(alarm.Properties.ComparisonOperator, 'GreaterThanOrEqualToThreshold');
      assert.match(JSON.stringify(alarm.Properties.AlarmActions), /AlarmTopic|Alarms/);
    });

    test('the alarm topic reaches whoever the deployment target names; dev may name no one', () => {
      const { templates, config } = synthesized;
      const subscriptions = Object.values(templates.network.findResources('AWS::SNS::Subscription')).map(
        ({ Properties }) => [Properties.Protocol, Properties.Endpoint],
      );
      const expected = [
        ...(config.alarmEmail ? [['email', config.alarmEmail]] : []),
        ...(config.alarmHttpsEndpoint ? [['https', config.alarmHttpsEndpoint]] : []),
      ];
      assert.deepEqual(subscriptions, expected);
      if (config.protectData) assert.ok(subscriptions.length > 0, 'alarms of protected data must reach someone');
    });

    test('failovers of Aurora and the session cluster and unexpected task stops are sent to the alarm topic', () => {
      const { templates, stacks } = synthesized;
      const rules = Object.values(templates.services.findResources('AWS::Events::Rule')).map(
        ({ Properties }) => Properties as { EventPattern: Record<string, unknown>; Targets: Array<{ Arn: unknown }> },
      );
      const ruleFor = (source: string) => {
        const found = rules.filter((rule) => JSON.stringify(rule.EventPattern.source) === JSON.stringify([source]));
        assert.equal(found.length, 1, `one rule for ${source}`);
        const [rule] = found as [(typeof rules)[number]];
        assert.equal(rule.Targets.length, 1);
        assert.match(JSON.stringify(rule.Targets[0]?.Arn), /AlarmsTopic/, `${source} events go to the alarm topic`);
        return rule.EventPattern as { 'detail-type'?: string[]; detail: Record<string, unknown> };
      };
      const aurora = ruleFor('aws.rds');
      assert.deepEqual(aurora['detail-type'], ['RDS DB Cluster Event']);
      assert.deepEqual(aurora.detail.EventCategories, ['failover']);
      assert.match(JSON.stringify(aurora.detail.SourceIdentifier), /Identity/, 'the identity cluster only');
      const cache = ruleFor('aws.elasticache');
      assert.deepEqual(cache.detail.SourceIdentifier, [{ prefix: stacks.data.redis.replicationGroupId }]);
      assert.match(JSON.stringify(cache.detail.Message), /ailover/);
      const tasks = ruleFor('aws.ecs');
      assert.deepEqual(tasks['detail-type'], ['ECS Task State Change']);
      assert.deepEqual(tasks.detail.lastStatus, ['STOPPED']);
      assert.deepEqual(tasks.detail.$or, [
        { stopCode: [{ 'anything-but': ['ServiceSchedulerInitiated', 'UserInitiated'] }] },
        { stoppedReason: [{ prefix: 'Task failed' }] },
      ]);
      // The topic is encrypted: EventBridge may publish to it and use its key for that.
      const policy = JSON.stringify(templates.network.findResources('AWS::SNS::TopicPolicy'));
      assert.match(
        policy,
        /"Service":"events\.amazonaws\.com"[^}]*\}[^\]]*"sns:Publish"|sns:Publish[^\]]*events\.amazonaws\.com/s,
      );
      const keyPolicy = JSON.stringify(
        Object.values(templates.network.findResources('AWS::KMS::Key')).map(({ Properties }) => Properties.KeyPolicy),
      );
      assert.match(keyPolicy, /events\.amazonaws\.com/);
    });

    test('RDS Proxy alarms on slow connection borrowing and a pool near its maximum', () => {
      const { templates } = synthesized;
      const alarms = Object.values(templates.data.findResources('AWS::CloudWatch::Alarm'));
      const [proxyId] = Object.keys(templates.data.findResources('AWS::RDS::DBProxy'));
      const borrow = alarms.find(({ Properties }) => Properties.MetricName === 'DatabaseConnectionsBorrowLatency');
      assert.ok(borrow, 'no borrow-latency alarm');
      assert.deepEqual(borrow.Properties.Dimensions, [{ Name: 'ProxyName', Value: { Ref: proxyId } }]);
      const pool = alarms.find(({ Properties }) =>
        JSON.stringify(Properties.Metrics ?? []).includes('MaxDatabaseConnectionsAllowed'),
      );
      assert.ok(pool, 'no connections-near-maximum alarm');
      assert.equal(pool.Properties.Threshold, 90);
      for (const alarm of [borrow, pool]) assert.match(JSON.stringify(alarm.Properties.AlarmActions), /AlarmsTopic/);
    });

    test('each service alarms when fewer tasks run than ECS wants', () => {
      const alarms = synthesized
        .resourcesOfType('AWS::CloudWatch::Alarm')
        .filter(({ resource }) => JSON.stringify(resource.Properties.Metrics ?? []).includes('RunningTaskCount'));
      assert.deepEqual(alarms.map(({ id }) => id.replace(/TasksBelowDesired.*/, '')).sort(), [
        'AdminApi',
        'Edge',
        'Orchestrator',
        'Session',
        'WebhookDispatcher',
      ]);
      for (const { resource } of alarms) {
        const metrics = JSON.stringify(resource.Properties.Metrics);
        assert.match(metrics, /"Namespace":"ECS\/ContainerInsights"/);
        assert.match(metrics, /DesiredTaskCount/);
        assert.match(metrics, /"Name":"ServiceName"/);
        assert.match(JSON.stringify(resource.Properties.AlarmActions), /AlarmsTopic/);
      }
    });

    test('a Synthetics canary signs in and reads /me through the public origin every 5 minutes, and alarms when it fails', () => {
      const { templates, config } = synthesized;
      const canaries = Object.entries(templates.edge.findResources('AWS::Synthetics::Canary'));
      assert.equal(canaries.length, 1);
      const [canaryId, canary] = canaries[0] as [string, CfnResource];
      const properties = canary.Properties as {
        Schedule: { Expression: string };
        RuntimeVersion: string;
        Code: { Handler: string; Script: string };
        RunConfig: { EnvironmentVariables: Record<string, unknown> };
        StartCanaryAfterCreation: boolean;
      };
      assert.equal(properties.Schedule.Expression, 'rate(5 minutes)');
      assert.match(properties.RuntimeVersion, /^syn-nodejs-puppeteer-/);
      assert.equal(properties.StartCanaryAfterCreation, true);
      for (const step of ['/auth/login', '/me', '/auth/logout']) assert.ok(properties.Code.Script.includes(step), step);
      const environment = properties.RunConfig.EnvironmentVariables;
      assert.equal(environment.PUBLIC_ORIGIN, `https://${config.edge.publicHostname}`);
      assert.match(JSON.stringify(environment.CREDENTIALS_SECRET_ARN), /CanaryCredentials/);
      templates.data.hasResourceProperties('AWS::SecretsManager::Secret', {
        GenerateSecretString: Match.objectLike({
          SecretStringTemplate: JSON.stringify({ email: `canary@${config.edge.publicHostname}` }),
          GenerateStringKey: 'password',
        }),
      });

      const [alarm] = Object.values(templates.edge.findResources('AWS::CloudWatch::Alarm')).filter(
        ({ Properties }) => Properties.MetricName === 'SuccessPercent',
      );
      assert.ok(alarm, 'no alarm on the canary');
      assert.equal(alarm.Properties.Namespace, 'CloudWatchSynthetics');
      assert.match(JSON.stringify(alarm.Properties.Dimensions), new RegExp(canaryId));
      assert.equal(alarm.Properties.ComparisonOperator, 'LessThanThreshold');
      assert.equal(alarm.Properties.TreatMissingData, 'breaching', 'a canary that stopped running alarms too');
      assert.match(JSON.stringify(alarm.Properties.AlarmActions), /AlarmsTopic/);

      // The canary reads its one secret, and the data key only through Secrets Manager.
      const statements = Object.entries(templates.edge.findResources('AWS::IAM::Policy'))
        .filter(([id]) => id.startsWith('SignInCanaryServiceRole'))
        .flatMap(([, policy]) => statementsOf(policy));
      const kms = statements.find((statement) => asList(statement.Action).includes('kms:Decrypt'));
      assert.match(JSON.stringify(kms?.Condition), /secretsmanager\./);
      const read = statements.find((statement) => asList(statement.Action).includes('secretsmanager:GetSecretValue'));
      assert.match(JSON.stringify(read?.Resource), /CanaryCredentials/);
    });

    test("the dashboard shows each service's rate, errors and duration, the near-cache hit ratio, sign-ins and refusals", () => {
      const { templates, config } = synthesized;
      const dashboards = Object.values(templates.edge.findResources('AWS::CloudWatch::Dashboard'));
      assert.equal(dashboards.length, 1);
      const body = JSON.stringify(dashboards[0]?.Properties.DashboardBody);
      assert.ok(body.includes(metricsNamespace(config.name)), 'the collector namespace of this environment');
      for (const metric of [
        'http.server.request.duration',
        'authscale.near_cache.lookups',
        'authscale.sign_in.attempts',
        'authscale.refresh_token.uses',
        'authscale.rate_limit.refusals',
        'authscale.http.refusals',
        'db.client.connection.pending_requests',
        'authscale.revocation.propagation',
        'authscale.webhook.deliveries',
        'authscale.webhook.delivery_lag',
        'SuccessPercent',
        'RunningTaskCount',
        'DatabaseConnectionsBorrowLatency',
      ]) {
        assert.ok(body.includes(metric), `the dashboard does not show ${metric}`);
      }
      for (const service of ['edge', 'session', 'orchestrator']) {
        assert.ok(body.includes(`authscale-${service}`), `no RED metrics for ${service}`);
      }
    });

    test('alarms watch the edge, the session layer, Redis, Aurora and DynamoDB and notify the topic', () => {
      const alarms = synthesized.resourcesOfType('AWS::CloudWatch::Alarm');
      const described = alarms.map(({ resource }) => String(resource.Properties.AlarmDescription));
      for (const subject of [
        'Edge p99',
        'edge answered',
        'Session-layer p99',
        'Redis engine',
        'memory',
        'replica',
        'Aurora',
        'DynamoDB',
        'refresh token came back',
        'webhook delivery was dead-lettered',
        'Webhook delivery lag',
      ]) {
        assert.ok(
          described.some((description) => description.includes(subject)),
          `no alarm on ${subject}`,
        );
      }
      for (const { id, resource } of alarms) {
        assert.ok((resource.Properties.AlarmActions as unknown[])?.length, `${id} notifies nobody`);
      }
      synthesized.templates.edge.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    });

    test('a dead-lettered webhook delivery, or a delivery lag p99 above the parameter, notifies the topic', () => {
      const { templates, config } = synthesized;
      // In the order CloudFormation is given them: sorted by name.
      const dimensions = (outcome?: string) => [
        ...(outcome ? [{ Name: 'authscale.webhook.outcome', Value: outcome }] : []),
        { Name: 'service.name', Value: 'authscale-webhook-dispatcher' },
      ];
      templates.services.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: metricsNamespace(config.name),
        MetricName: 'authscale.webhook.deliveries',
        Dimensions: Match.arrayEquals(dimensions('dead')),
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: Match.anyValue(),
      });
      templates.services.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: metricsNamespace(config.name),
        MetricName: 'authscale.webhook.delivery_lag',
        Dimensions: dimensions(),
        ExtendedStatistic: 'p99',
        Period: 300,
        Threshold: config.webhooks.deliveryLagAlarmSeconds,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: Match.anyValue(),
      });
    });

    test('a rotation of the events secret rolls the webhook dispatcher, whose users alternate with it', () => {
      const { templates } = synthesized;
      const [, rule] =
        Object.entries(templates.services.findResources('AWS::Events::Rule')).find(([id]) =>
          id.startsWith('RedeployWebhookDispatcherOnRotation'),
        ) ?? [];
      assert.ok(rule, 'no rule rolls the dispatcher');
      const secrets = JSON.stringify(
        (rule.Properties.EventPattern as { detail: { additionalEventData: unknown } }).detail.additionalEventData,
      );
      assert.match(secrets, /IdentityEventsSecret/);
      assert.doesNotMatch(secrets, /IdentityAppSecret|JwtSigningKeys/);
    });

    test('a replayed refresh token is counted from the orchestrator log line the app writes', () => {
      // The app logs `{"event":"refresh.replayed"}` (asserted in services/orchestrator/test/sign-in/sign-in.test.ts).
      synthesized.templates.services.hasResourceProperties('AWS::Logs::MetricFilter', {
        FilterPattern: '{ $.event = "refresh.replayed" }',
        MetricTransformations: [{ MetricNamespace: 'authscale', MetricName: 'refresh.replayed', MetricValue: '1' }],
      });
      synthesized.templates.services.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'authscale',
        MetricName: 'refresh.replayed',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    });
  });
}
