import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import {
  disabledDefaultUserAccessString,
  type RedisServiceUser,
  redisAccessString,
  redisServiceUsers,
} from './redis-users.ts';

export interface RedisClusterProps {
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  readonly encryptionKey: kms.IKey;
  /**
   * Lowercase, unique in the account and region; node ids (and so the alarms) derive from it, and
   * the failover drill finds the cluster by it. Fixed on purpose, like the database's identifier: an
   * update that would replace the cluster (a new port, key or subnet group) fails rather than drop
   * every session.
   */
  readonly replicationGroupId: string;
  readonly nodeType: string;
  readonly shards: number;
  /** At least one: automatic failover and multi-AZ need a replica in every shard. */
  readonly replicasPerShard: number;
  readonly port: number;
  readonly snapshotRetentionDays: number;
  readonly logRetention: logs.RetentionDays;
  /** Applies to the users' secrets and the slow log. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  readonly alarmAction: cloudwatch.IAlarmAction;
}

/** The session cluster's replication group id in an environment; the failover drill finds it by this name. */
export function sessionClusterId(environment: string): string {
  return `authscale-${environment}-sessions`;
}

const constructIds: Readonly<Record<RedisServiceUser, string>> = { session: 'Session', edge: 'Edge' };

/** Valkey is the Redis-compatible engine ElastiCache develops; it is cheaper per node and speaks RESP3. */
const engine = { name: 'valkey', version: '8.1', parameterFamily: 'valkey8' } as const;

/**
 * ElastiCache in cluster mode for the session records. The cluster owns sharding, replication and
 * failover; every node requires TLS, and data is encrypted at rest with the stack's key. Each service
 * connects as its own user (RBAC), whose access string allows only the commands and keys that
 * service uses (`redis-users.ts`); the built-in `default` user is switched off. Each user's name and
 * password are generated into a secret of its own (CloudFormation resolves the password; it never
 * appears in a template), which only that service's tasks receive.
 */
export class RedisCluster extends Construct {
  public readonly connections: ec2.Connections;
  /** Per service, the secret of its user: `{"username", "password"}`. */
  public readonly userSecrets: Readonly<Record<RedisServiceUser, secretsmanager.ISecret>>;
  /** Those and the switched-off `default` user's, which nothing reads (ElastiCache requires a password). */
  public readonly allUserSecrets: readonly secretsmanager.ISecret[];
  /** `host:port` of the configuration endpoint, the one address a cluster client needs. */
  public readonly configurationEndpoint: string;
  public readonly port: number;
  public readonly replicationGroupId: string;
  public readonly replicationGroup: elasticache.CfnReplicationGroup;

  constructor(scope: Construct, id: string, props: RedisClusterProps) {
    super(scope, id);
    this.port = props.port;
    this.replicationGroupId = props.replicationGroupId;

    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'ElastiCache cluster; ingress only from the services that use it',
      allowAllOutbound: false,
    });
    this.connections = new ec2.Connections({ securityGroups: [securityGroup], defaultPort: ec2.Port.tcp(props.port) });

    const subnetGroup = new elasticache.CfnSubnetGroup(this, 'SubnetGroup', {
      description: 'authscale session cluster',
      subnetIds: props.vpc.selectSubnets(props.subnets).subnetIds,
    });
    const parameterGroup = new elasticache.CfnParameterGroup(this, 'Parameters', {
      description: 'Cluster mode; evicts nothing so a full cluster fails loudly instead of losing sessions',
      cacheParameterGroupFamily: engine.parameterFamily,
      properties: {
        'cluster-enabled': 'yes',
        'maxmemory-policy': 'noeviction',
        // A user's hash holds packed session records (about 190 bytes with a typical user agent),
        // longer than the default 64 bytes, which would turn it into a full hashtable; 256 keeps
        // it a listpack, about a quarter less memory per session.
        'hash-max-listpack-value': '256',
        // A shard whose primary failed leaves the rest up, and its replicas answer the session
        // replicas' reads until one is promoted: with full coverage required, every node refuses
        // every read in that window. A node cut off from most primaries still refuses, so nothing
        // stale is served.
        'cluster-require-full-coverage': 'no',
      },
    });

    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const { userGroup, userSecrets, defaultUserSecret } = this.addUsers(props, removalPolicy);
    this.userSecrets = userSecrets;
    this.allUserSecrets = [defaultUserSecret, ...Object.values(userSecrets)];

    const slowLog = new logs.LogGroup(this, 'SlowLog', {
      retention: props.logRetention,
      removalPolicy,
    });
    const group = new elasticache.CfnReplicationGroup(this, 'ReplicationGroup', {
      replicationGroupId: props.replicationGroupId,
      replicationGroupDescription: 'authscale sessions',
      engine: engine.name,
      engineVersion: engine.version,
      cacheNodeType: props.nodeType,
      clusterMode: 'enabled',
      numNodeGroups: props.shards,
      replicasPerNodeGroup: props.replicasPerShard,
      automaticFailoverEnabled: true,
      multiAzEnabled: true,
      transitEncryptionEnabled: true,
      transitEncryptionMode: 'required',
      atRestEncryptionEnabled: true,
      kmsKeyId: props.encryptionKey.keyArn,
      userGroupIds: [userGroup.ref],
      port: props.port,
      cacheParameterGroupName: parameterGroup.ref,
      cacheSubnetGroupName: subnetGroup.ref,
      securityGroupIds: [securityGroup.securityGroupId],
      snapshotRetentionLimit: props.snapshotRetentionDays,
      preferredMaintenanceWindow: 'sun:04:30-sun:05:30',
      autoMinorVersionUpgrade: true,
      logDeliveryConfigurations: [
        {
          destinationType: 'cloudwatch-logs',
          destinationDetails: { cloudWatchLogsDetails: { logGroup: slowLog.logGroupName } },
          logFormat: 'json',
          logType: 'slow-log',
        },
      ],
    });
    this.replicationGroup = group;
    this.configurationEndpoint = `${group.attrConfigurationEndPointAddress}:${group.attrConfigurationEndPointPort}`;

    this.addAlarms(props);
  }

  /**
   * One user per service and a switched-off `default` (every user group must have one), in one user
   * group on the replication group. User and group ids are unique in the account and region, so they
   * derive from the replication group's id.
   */
  private addUsers(props: RedisClusterProps, removalPolicy: RemovalPolicy) {
    const userSecrets: Partial<Record<RedisServiceUser, secretsmanager.ISecret>> = {};
    const user = (id: string, userId: string, userName: string, accessString: string) => {
      // Letters and digits only: ElastiCache passwords forbid some punctuation; 64 alphanumerics carry 380 bits.
      const secret = new secretsmanager.Secret(this, `${id}Credentials`, {
        description: `Redis user ${userName} of the session cluster`,
        encryptionKey: props.encryptionKey,
        removalPolicy,
        generateSecretString: {
          secretStringTemplate: JSON.stringify({ username: userName }),
          generateStringKey: 'password',
          passwordLength: 64,
          excludePunctuation: true,
        },
      });
      const resource = new elasticache.CfnUser(this, `${id}User`, {
        engine: engine.name,
        userId,
        userName,
        accessString,
        authenticationMode: {
          Type: 'password',
          Passwords: [secret.secretValueFromJson('password').unsafeUnwrap()],
        },
      });
      return { secret, resource };
    };

    const disabledDefault = user(
      'Default',
      `${props.replicationGroupId}-default`,
      'default',
      disabledDefaultUserAccessString,
    );
    const users = [disabledDefault.resource];
    for (const service of redisServiceUsers) {
      const name = `${props.replicationGroupId}-${service}`;
      const created = user(constructIds[service], name, name, redisAccessString(service));
      userSecrets[service] = created.secret;
      users.push(created.resource);
    }
    const userGroup = new elasticache.CfnUserGroup(this, 'Users', {
      engine: engine.name,
      userGroupId: `${props.replicationGroupId}-users`,
      userIds: users.map((created) => created.ref),
    });
    return {
      userGroup,
      userSecrets: userSecrets as Record<RedisServiceUser, secretsmanager.ISecret>,
      defaultUserSecret: disabledDefault.secret,
    };
  }

  /** Every node gets CPU, memory and replication-lag alarms: roles swap on failover, so all nodes are watched alike. */
  private addAlarms(props: RedisClusterProps): void {
    for (let shard = 1; shard <= props.shards; shard++) {
      for (let node = 1; node <= props.replicasPerShard + 1; node++) {
        const nodeId = `${props.replicationGroupId}-${String(shard).padStart(4, '0')}-${String(node).padStart(3, '0')}`;
        const metric = (metricName: string, statistic: string) =>
          new cloudwatch.Metric({
            namespace: 'AWS/ElastiCache',
            metricName,
            dimensionsMap: { CacheClusterId: nodeId },
            statistic,
            period: Duration.minutes(1),
          });
        const alarms = [
          new cloudwatch.Alarm(this, `EngineCpu-${nodeId}`, {
            alarmDescription: `${nodeId}: the Redis engine thread is above 80% CPU; add shards.`,
            metric: metric('EngineCPUUtilization', 'Average'),
            threshold: 80,
            evaluationPeriods: 5,
          }),
          new cloudwatch.Alarm(this, `Memory-${nodeId}`, {
            alarmDescription: `${nodeId}: memory above 80%; with noeviction, writes fail when it is full.`,
            metric: metric('DatabaseMemoryUsagePercentage', 'Maximum'),
            threshold: 80,
            evaluationPeriods: 5,
          }),
          new cloudwatch.Alarm(this, `ReplicationLag-${nodeId}`, {
            alarmDescription: `${nodeId}: replica more than 1 s behind its primary (primaries report no lag).`,
            metric: metric('ReplicationLag', 'Maximum'),
            threshold: 1,
            evaluationPeriods: 3,
            treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
          }),
        ];
        for (const alarm of alarms) alarm.addAlarmAction(props.alarmAction);
      }
    }
  }
}
