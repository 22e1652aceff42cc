import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config/schema.ts';
import { Aurora } from '../constructs/aurora.ts';
import { IdentityProvisioning } from '../constructs/identity-provisioning.ts';
import { JwtSigningKeys } from '../constructs/jwt-signing-keys.ts';
import { RedisCluster, sessionClusterId } from '../constructs/redis-cluster.ts';
import { RotationFailureAlarm } from '../constructs/rotation-failure-alarm.ts';
import { SharedSecretRotation } from '../constructs/shared-secret-rotation.ts';
import { TokenTable } from '../constructs/token-table.ts';
import { addOutputs } from './stack-outputs.ts';

export interface DataStackProps extends StackProps {
  readonly config: Pick<EnvironmentConfig, 'name' | 'aurora' | 'redis' | 'jwt' | 'services' | 'protectData' | 'edge'>;
  readonly vpc: ec2.IVpc;
  readonly dataSubnets: ec2.SubnetSelection;
  readonly secretsManagerEndpoint: ec2.IInterfaceVpcEndpoint;
  readonly alarmAction: cloudwatch.IAlarmAction;
  readonly logRetention: logs.RetentionDays;
  /** The build context of the orchestrator image, whose identity commands provision the database. */
  readonly repositoryRoot: string;
}

/**
 * Everything stateful: the identity database, the session cluster, the token table and the shared
 * secrets, all encrypted with one customer-managed key created here and injected into each construct.
 */
export class DataStack extends Stack {
  public readonly key: kms.IKey;
  public readonly aurora: Aurora;
  /** Creates the database's roles and the database at deploy, before any orchestrator task runs. */
  public readonly identityProvisioning: IdentityProvisioning;
  public readonly redis: RedisCluster;
  public readonly tokenTable: TokenTable;
  public readonly jwtSigningKeys: JwtSigningKeys;
  /** The bearer token session replicas require on their internal API (`{previous, current, next}`, rotated). */
  public readonly internalApiToken: secretsmanager.ISecret;
  /** The HS256 key of the edge's principal assertions to the orchestrator (`{previous, current, next}`, rotated). */
  public readonly principalAssertionKey: secretsmanager.ISecret;
  /** Rotates the two secrets above; each rotation rolls the services that read them (`RedeployOnRotation`). */
  public readonly sharedSecretRotation: SharedSecretRotation;
  /** Alarms when the rotation of any secret above fails or is abandoned. */
  public readonly rotationFailureAlarm: RotationFailureAlarm;
  /** The secret TOTP seeds are sealed under (AES-256-GCM, key derived with HKDF), itself KMS-encrypted. */
  public readonly totpEncryptionKey: secretsmanager.ISecret;
  /** `{ email, password }` of the user the sign-in canary signs in as; an operator creates that user. */
  public readonly canaryCredentials: secretsmanager.ISecret;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const { config } = props;
    const retain = config.protectData;
    const removalPolicy = retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.key = new kms.Key(this, 'DataKey', {
      description: `authscale ${config.name}: encrypts the database, session cluster, token table and secrets`,
      enableKeyRotation: true,
      removalPolicy,
      pendingWindow: Duration.days(retain ? 30 : 7),
    });

    this.aurora = new Aurora(this, 'Identity', {
      clusterIdentifier: `authscale-${config.name}-identity`,
      vpc: props.vpc,
      subnets: props.dataSubnets,
      encryptionKey: this.key,
      secretsManagerEndpoint: props.secretsManagerEndpoint,
      ...config.aurora,
      deletionProtection: retain,
      removalPolicy: retain ? RemovalPolicy.SNAPSHOT : RemovalPolicy.DESTROY,
      logRetention: props.logRetention,
      alarmAction: props.alarmAction,
    });

    this.identityProvisioning = new IdentityProvisioning(this, 'IdentityProvisioning', {
      vpc: props.vpc,
      subnets: props.dataSubnets,
      database: this.aurora,
      repositoryRoot: props.repositoryRoot,
      cpuArchitecture: config.services.cpuArchitecture,
      logRetention: props.logRetention,
      logRemovalPolicy: removalPolicy,
    });

    this.redis = new RedisCluster(this, 'Sessions', {
      vpc: props.vpc,
      subnets: props.dataSubnets,
      encryptionKey: this.key,
      replicationGroupId: sessionClusterId(config.name),
      ...config.redis,
      logRetention: props.logRetention,
      removalPolicy,
      alarmAction: props.alarmAction,
    });

    this.tokenTable = new TokenTable(this, 'Tokens', {
      encryptionKey: this.key,
      deletionProtection: retain,
      removalPolicy,
      alarmAction: props.alarmAction,
    });

    this.jwtSigningKeys = new JwtSigningKeys(this, 'JwtSigningKeys', {
      encryptionKey: this.key,
      rotationPeriod: Duration.days(config.jwt.signingKeyRotationDays),
      logRetention: props.logRetention,
      removalPolicy,
    });

    const generatedSecret = (secretId: string, description: string) =>
      new secretsmanager.Secret(this, secretId, {
        description,
        encryptionKey: this.key,
        removalPolicy,
        generateSecretString: { passwordLength: 64, excludePunctuation: true },
      });
    this.internalApiToken = generatedSecret('InternalApiToken', 'Bearer token of the session replicas internal API');
    this.principalAssertionKey = generatedSecret(
      'PrincipalAssertionKey',
      'HS256 key of the principal assertions the edge sends the orchestrator',
    );
    this.totpEncryptionKey = generatedSecret('TotpEncryptionKey', 'Key material sealing TOTP secrets at rest');
    this.canaryCredentials = new secretsmanager.Secret(this, 'CanaryCredentials', {
      description: 'Email and password of the user the sign-in canary signs in as (docs/deploy.md, "Canary")',
      encryptionKey: this.key,
      removalPolicy,
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ email: `canary@${config.edge.publicHostname}` }),
        generateStringKey: 'password',
        passwordLength: 40,
        excludePunctuation: true,
      },
    });
    this.sharedSecretRotation = new SharedSecretRotation(this, 'SharedSecretRotation', {
      secrets: [this.internalApiToken, this.principalAssertionKey],
      logRetention: props.logRetention,
    });
    this.rotationFailureAlarm = new RotationFailureAlarm(this, 'RotationFailure', {
      secrets: [
        this.aurora.adminSecret,
        this.aurora.ownerSecret,
        this.aurora.appSecret,
        this.aurora.eventsSecret,
        this.aurora.operatorSecret,
        this.jwtSigningKeys.secret,
        this.internalApiToken,
        this.principalAssertionKey,
      ],
      alarmAction: props.alarmAction,
    });

    const { aurora, redis } = this;
    addOutputs(this, {
      DatabaseProxyEndpoint: [aurora.proxy.endpoint, 'RDS Proxy: the one address of the database (TLS required)'],
      DatabaseName: [aurora.databaseName, 'The identity database'],
      DatabaseClusterIdentifier: [aurora.cluster.clusterIdentifier, 'The Aurora cluster'],
      DatabaseAdminSecretArn: [aurora.adminSecret.secretArn, 'The master user (authscale_admin); provisioning only'],
      DatabaseOwnerSecretArn: [aurora.ownerSecret.secretArn, 'The tables owner (authscale_owner); migrations only'],
      DatabaseAppSecretArn: [aurora.appSecret.secretArn, 'The role the orchestrator connects as (authscale_app)'],
      DatabaseEventsSecretArn: [
        aurora.eventsSecret.secretArn,
        'The role the webhook dispatcher connects as (authscale_events)',
      ],
      DatabaseOperatorSecretArn: [
        aurora.operatorSecret.secretArn,
        'The role the admin API connects as (authscale_operator)',
      ],
      SessionClusterId: [redis.replicationGroupId, 'The session cluster (the failover drill takes it by environment)'],
      SessionClusterEndpoint: [redis.configurationEndpoint, 'Configuration endpoint host:port (TLS required)'],
      SessionClusterSessionUserSecretArn: [
        redis.userSecrets.session.secretArn,
        'The session replicas Redis user (username, password)',
      ],
      SessionClusterEdgeUserSecretArn: [redis.userSecrets.edge.secretArn, 'The edge Redis user (username, password)'],
      TokenTableName: [this.tokenTable.table.tableName, 'Refresh-token families and API keys'],
      JwtSigningKeysSecretArn: [this.jwtSigningKeys.secret.secretArn, 'The access-token signing keys'],
      InternalApiTokenSecretArn: [this.internalApiToken.secretArn, 'Bearer token of the session replicas API'],
      PrincipalAssertionKeySecretArn: [this.principalAssertionKey.secretArn, 'Edge to orchestrator assertions key'],
      TotpEncryptionKeySecretArn: [this.totpEncryptionKey.secretArn, 'Seals TOTP secrets at rest'],
      CanaryCredentialsSecretArn: [
        this.canaryCredentials.secretArn,
        'The sign-in canary user (email, password): sign it up once (docs/deploy.md, "Canary")',
      ],
      DataKeyArn: [this.key.keyArn, 'The customer-managed key of all the data above'],
      IdentityProvisioningCluster: [
        this.identityProvisioning.cluster.clusterName,
        'Runs the identity provisioning task at deploy (docs/deploy.md, "Database roles")',
      ],
      IdentityProvisioningTaskDefinition: [
        this.identityProvisioning.taskDefinition.family,
        'The provisioning task, for a run by hand: aws ecs run-task --task-definition',
      ],
      IdentityProvisioningNetwork: [
        this.identityProvisioning.networkConfiguration,
        'aws ecs run-task --network-configuration of the provisioning task',
      ],
      IdentityProvisioningLogGroupName: [
        this.identityProvisioning.logGroup.logGroupName,
        'The provisioning runs output (stream prefix identity)',
      ],
    });
  }
}
