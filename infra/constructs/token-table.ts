import { Duration, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export interface TokenTableProps {
  readonly encryptionKey: kms.IKey;
  readonly deletionProtection: boolean;
  readonly removalPolicy: RemovalPolicy;
  readonly alarmAction: cloudwatch.IAlarmAction;
}

/**
 * The durable token records (refresh-token families, API keys): one on-demand table with generic
 * `pk`/`sk` keys so each record kind chooses its own key shapes, point-in-time recovery, encryption
 * with the stack's key, and TTL on `expiresAt` (epoch seconds). TTL deletes lazily; readers still
 * check expiry. One sparse index, `gsi1` (`gsi1pk`/`gsi1sk`), holds only the records that set those
 * attributes: today a tenant's active API keys, for listing and revoking by public id.
 */
export class TokenTable extends Construct {
  public readonly table: dynamodb.ITableV2;
  public static readonly ttlAttribute = 'expiresAt';
  public static readonly indexName = 'gsi1';

  constructor(scope: Construct, id: string, props: TokenTableProps) {
    super(scope, id);
    const table = new dynamodb.TableV2(this, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryptionV2.customerManagedKey(props.encryptionKey),
      timeToLiveAttribute: TokenTable.ttlAttribute,
      globalSecondaryIndexes: [
        {
          indexName: TokenTable.indexName,
          partitionKey: { name: 'gsi1pk', type: dynamodb.AttributeType.STRING },
          sortKey: { name: 'gsi1sk', type: dynamodb.AttributeType.STRING },
          projectionType: dynamodb.ProjectionType.ALL,
        },
      ],
      deletionProtection: props.deletionProtection,
      removalPolicy: props.removalPolicy,
    });
    this.table = table;

    const throttles = new cloudwatch.Alarm(this, 'Throttles', {
      alarmDescription: 'DynamoDB throttled token-table requests: refresh and API-key checks are failing.',
      metric: table.metricThrottledRequestsForOperations({
        operations: [
          dynamodb.Operation.GET_ITEM,
          dynamodb.Operation.PUT_ITEM,
          dynamodb.Operation.UPDATE_ITEM,
          dynamodb.Operation.DELETE_ITEM,
          dynamodb.Operation.QUERY,
          dynamodb.Operation.TRANSACT_WRITE_ITEMS,
        ],
        period: Duration.minutes(1),
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    throttles.addAlarmAction(props.alarmAction);
  }
}

/** The item operations the token records use: conditional writes and reads, no scans, no table admin. */
export const tokenTableActions = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
] as const;

/**
 * The admin API's subset (`create-operator-key-store.ts`, the API-key and refresh-token stores):
 * single-item reads and writes and queries of `gsi1`; it never batches or transacts.
 */
export const adminApiTokenTableActions = [
  'dynamodb:GetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
] as const satisfies readonly (typeof tokenTableActions)[number][];

/**
 * Lets a service read and write token records: the item actions on this table and its one named
 * index only (the generic grant would name `index/*`), and the table's key only through DynamoDB
 * (the `*` actions of the generic grant are not needed for item access).
 */
export function grantTokenTableAccess(
  tokens: TokenTable,
  key: kms.IKey,
  grantee: iam.IGrantable,
  actions: readonly (typeof tokenTableActions)[number][] = tokenTableActions,
): void {
  const { tableArn } = tokens.table;
  iam.Grant.addToPrincipal({
    grantee,
    actions: [...actions],
    resourceArns: [tableArn, `${tableArn}/index/${TokenTable.indexName}`],
  });
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
      resources: [key.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${Stack.of(tokens).region}.amazonaws.com` } },
    }),
  );
}
