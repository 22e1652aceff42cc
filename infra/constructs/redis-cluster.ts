import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

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
  /** Applies to the AUTH token secret and the slow log. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  readonly alarmAction: cloudwatch.IAlarmAction;
}

/** The session cluster's replication group id in an environment; the failover drill finds it by this name. */
export function sessionClusterId(environment: string): string {
  return `authscale-${environment}-sessions`;
}

/** Valkey is the Redis-compatible engine ElastiCache develops; it is cheaper per node and speaks RESP3. */
const engine = { name: 'valkey', version: '8.1', parameterFamily: 'valkey8' } as const;

/**
 * ElastiCache in cluster mode for the session records. The cluster owns sharding, replication and
 * failover; every node requires TLS, data is encrypted at rest with the stack's key, and clients
 * authenticate with an AUTH token generated into Secrets Manager (CloudFormation resolves it; it never
 * appears in a template).
 */
export class RedisCluster extends Construct {
  public readonly connections: ec2.Connections;
  public readonly authSecret: secretsmanager.ISecret;
  /** `host:port` of the configuration endpoint, the one address a cluster client needs. */
  public readonly configurationEndpoint: string;
  public readonly port: number;
  public readonly replicationGroupId: string;

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
      },
    });

    // Letters and digits only: AUTH tokens forbid some punctuation, and 64 alphanumerics carry 380 bits.
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.authSecret = new secretsmanager.Secret(this, 'AuthToken', {
      description: 'AUTH token of the session cluster',
      encryptionKey: props.encryptionKey,
      removalPolicy,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });

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
      authToken: this.authSecret.secretValue.unsafeUnwrap(),
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
    this.configurationEndpoint = `${group.attrConfigurationEndPointAddress}:${group.attrConfigurationEndPointPort}`;

    this.addAlarms(props);
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
