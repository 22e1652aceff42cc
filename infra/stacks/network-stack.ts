import { type RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { AlarmTopic } from '../constructs/alarm-topic.ts';
import { LogsKey } from '../constructs/logs-key.ts';
import { Network } from '../constructs/network.ts';
import { addOutputs } from './stack-outputs.ts';

export interface NetworkStackProps extends StackProps {
  readonly cidr: string;
  readonly availabilityZones: readonly string[];
  readonly natGateways: number;
  readonly logRetention: logs.RetentionDays;
  /** Of the logs key: RETAIN where log groups are retained. */
  readonly logRemovalPolicy: RemovalPolicy;
  readonly alarmEmail?: string;
  readonly alarmHttpsEndpoint?: string;
}

/** The VPC every other stack lives in, the alarm topic every alarm notifies, the key every log group uses. */
export class NetworkStack extends Stack {
  public readonly network: Network;
  public readonly alarms: AlarmTopic;
  public readonly logsKey: LogsKey;
  private readonly configuredZones: readonly string[];

  constructor(scope: Construct, id: string, props: NetworkStackProps) {
    super(scope, id, props);
    this.configuredZones = props.availabilityZones;
    this.logsKey = new LogsKey(this, 'LogsKey', { removalPolicy: props.logRemovalPolicy });
    this.network = new Network(this, 'Network', {
      cidr: props.cidr,
      availabilityZones: props.availabilityZones,
      natGateways: props.natGateways,
      flowLogRetention: props.logRetention,
    });
    this.alarms = new AlarmTopic(this, 'Alarms', {
      email: props.alarmEmail,
      httpsEndpoint: props.alarmHttpsEndpoint,
    });
    addOutputs(this, {
      VpcId: [this.network.vpc.vpcId, 'The VPC every stack of the environment lives in'],
      AlarmTopicArn: [this.alarms.topic.topicArn, 'Every alarm notifies this topic: subscribe the on-call route'],
    });
  }

  /** The stack's zones come from configuration, so synth never asks AWS for them. */
  override get availabilityZones(): string[] {
    return [...this.configuredZones];
  }
}
