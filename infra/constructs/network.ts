import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface NetworkProps {
  /** The VPC CIDR, a /16. */
  readonly cidr: string;
  /** The zones to span, listed explicitly so synth never looks them up. */
  readonly availabilityZones: readonly string[];
  /** NAT gateways for the services' outbound calls (OIDC providers); one per AZ survives an AZ loss. */
  readonly natGateways: number;
  /** @default RemovalPolicy.DESTROY */
  readonly flowLogRemovalPolicy?: RemovalPolicy;
  readonly flowLogRetention: logs.RetentionDays;
}

/**
 * The VPC: public subnets for the load balancer and NAT only, private subnets with egress for the
 * services, isolated subnets for the data stores, flow logs for all traffic, and the endpoints that
 * keep image pulls, logs, secrets and DynamoDB traffic off the internet.
 */
export class Network extends Construct {
  public readonly vpc: ec2.IVpc;
  public readonly serviceSubnets: ec2.SubnetSelection = { subnetGroupName: 'services' };
  public readonly dataSubnets: ec2.SubnetSelection = { subnetGroupName: 'data' };
  /** Rotation functions and tasks reach Secrets Manager through this endpoint. */
  public readonly secretsManagerEndpoint: ec2.IInterfaceVpcEndpoint;
  /** The NAT gateways' Elastic IPs: every outbound connection from the private subnets comes from one of them. */
  public readonly natAddresses: readonly string[];

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);

    const vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(props.cidr),
      availabilityZones: [...props.availabilityZones],
      natGateways: props.natGateways,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
        { name: 'services', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
        { name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
    });
    this.vpc = vpc;
    // The VPC allocates one Elastic IP per NAT gateway and exposes neither as a property.
    this.natAddresses = vpc.node
      .findAll()
      .filter((child): child is ec2.CfnEIP => child instanceof ec2.CfnEIP)
      .map((eip) => eip.attrPublicIp);

    const flowLogGroup = new logs.LogGroup(this, 'FlowLogs', {
      retention: props.flowLogRetention,
      removalPolicy: props.flowLogRemovalPolicy ?? RemovalPolicy.DESTROY,
    });
    vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogGroup),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });

    const gatewaySubnets = [this.serviceSubnets, this.dataSubnets];
    vpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3, subnets: gatewaySubnets });
    vpc.addGatewayEndpoint('DynamoDb', {
      service: ec2.GatewayVpcEndpointAwsService.DYNAMODB,
      subnets: gatewaySubnets,
    });

    // Reachable over HTTPS from the VPC's own range, written as the literal CIDR so it can be checked.
    const interfaceEndpoint = (endpointId: string, service: ec2.InterfaceVpcEndpointAwsService) => {
      const endpoint = vpc.addInterfaceEndpoint(endpointId, {
        service,
        subnets: this.serviceSubnets,
        privateDnsEnabled: true,
        open: false,
      });
      endpoint.connections.allowFrom(ec2.Peer.ipv4(props.cidr), ec2.Port.tcp(443), 'HTTPS from inside the VPC');
      return endpoint;
    };
    interfaceEndpoint('EcrApi', ec2.InterfaceVpcEndpointAwsService.ECR);
    interfaceEndpoint('EcrDocker', ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER);
    interfaceEndpoint('Logs', ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS);
    this.secretsManagerEndpoint = interfaceEndpoint(
      'SecretsManager',
      ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
    );
  }
}
