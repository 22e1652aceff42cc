import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface AlarmTopicProps {
  /** @default no mail subscription */
  readonly email?: string;
  /**
   * An HTTPS endpoint SNS posts every notification to (a paging or chat integration that confirms
   * SNS subscriptions). @default no HTTPS subscription
   */
  readonly httpsEndpoint?: string;
}

/** The encrypted SNS topic every alarm notifies, created once and injected into the constructs. */
export class AlarmTopic extends Construct {
  public readonly topic: sns.ITopic;
  public readonly action: cloudwatch.IAlarmAction;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    const key = new kms.Key(this, 'Key', {
      description: 'Encrypts the authscale alarm topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    // CloudWatch publishes alarm notifications to the encrypted topic, and EventBridge the events the
    // platform rules forward (`PlatformEvents`); they need the key for that only.
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [
          new iam.ServicePrincipal('cloudwatch.amazonaws.com'),
          new iam.ServicePrincipal('events.amazonaws.com'),
        ],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    const topic = new sns.Topic(this, 'Topic', { masterKey: key, enforceSSL: true });
    if (props.email) topic.addSubscription(new subscriptions.EmailSubscription(props.email));
    if (props.httpsEndpoint) {
      topic.addSubscription(
        new subscriptions.UrlSubscription(props.httpsEndpoint, { protocol: sns.SubscriptionProtocol.HTTPS }),
      );
    }
    this.topic = topic;
    this.action = new cloudwatchActions.SnsAction(topic);
  }
}
