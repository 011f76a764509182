import {
  FlowLogDestination,
  FlowLogTrafficType,
  GatewayVpcEndpointAwsService,
  IpAddresses,
  Peer,
  Port,
  SecurityGroup,
  SubnetType,
  Vpc,
} from 'aws-cdk-lib/aws-ec2';
import type { ISecurityGroup, IVpc, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { platformLogGroup } from './log-groups';
import type { LogSettings } from './log-groups';

/** MSK broker ports inside the VPC, by client authentication. */
export const MskPort = { Iam: 9098, Scram: 9096 } as const;
export type MskPort = (typeof MskPort)[keyof typeof MskPort];

/** Properties of a {@link PlatformNetwork}. */
export interface PlatformNetworkProps {
  /** Import this VPC instead of creating one. */
  readonly vpcId?: string;
  /** AZs of the imported VPC, one per private subnet. */
  readonly availabilityZones?: readonly string[];
  /** Private (egress) subnets of the imported VPC. */
  readonly privateSubnetIds?: readonly string[];
  /** NAT gateways of a new VPC. */
  readonly natGateways: number;
  /** How the VPC flow logs of a new VPC are kept. */
  readonly logs: LogSettings;
  /** The brokers' port for the platform's authentication. @default MskPort.Iam */
  readonly brokerPort?: MskPort;
}

/**
 * The platform's network: a new VPC over three AZs (public subnets with NAT,
 * private subnets for brokers and functions, flow logs) or an imported one;
 * a security group for the functions and one for the brokers that admits
 * only the functions (and itself: the MSK event source pollers run with the
 * cluster's security group).
 *
 * @example
 * ```ts
 * const net = new PlatformNetwork(this, 'Network', { natGateways: 1, logs });
 * net.functionsSecurityGroup; // give it to every function in the VPC
 * ```
 */
export class PlatformNetwork extends Construct {
  public readonly vpc: IVpc;
  public readonly privateSubnets: SubnetSelection;
  public readonly functionsSecurityGroup: SecurityGroup;
  public readonly clusterSecurityGroup: SecurityGroup;
  public readonly brokerPort: MskPort;

  public constructor(scope: Construct, id: string, props: PlatformNetworkProps) {
    super(scope, id);
    this.brokerPort = props.brokerPort ?? MskPort.Iam;
    this.vpc = props.vpcId === undefined ? this.newVpc(props) : this.importVpc(props);
    this.privateSubnets = { subnetType: SubnetType.PRIVATE_WITH_EGRESS };

    this.functionsSecurityGroup = new SecurityGroup(this, 'Functions', {
      vpc: this.vpc,
      description: 'xseven functions: HTTPS to AWS APIs and Kafka to the brokers only',
      allowAllOutbound: false,
    });
    this.clusterSecurityGroup = new SecurityGroup(this, 'Brokers', {
      vpc: this.vpc,
      description: 'xseven MSK brokers: Kafka port from the platform functions only',
      allowAllOutbound: false,
    });
    this.openBrokersTo(this.functionsSecurityGroup, this.clusterSecurityGroup);
    this.functionsSecurityGroup.addEgressRule(
      Peer.anyIpv4(),
      Port.tcp(443),
      'HTTPS to AWS APIs (CloudWatch, MSK control plane, STS)',
    );
    // Event source mapping pollers run in the cluster's subnets with its
    // security group: they reach the brokers through it and AWS over HTTPS.
    this.clusterSecurityGroup.addIngressRule(
      this.clusterSecurityGroup,
      Port.tcp(this.brokerPort),
      'ESM pollers (cluster security group) to the brokers',
    );
    this.clusterSecurityGroup.addEgressRule(
      this.clusterSecurityGroup,
      Port.tcp(this.brokerPort),
      'ESM pollers to the brokers',
    );
    this.clusterSecurityGroup.addEgressRule(
      Peer.anyIpv4(),
      Port.tcp(443),
      'ESM pollers to the Lambda and STS endpoints',
    );
  }

  /**
   * Lets `clients` reach the brokers guarded by `brokers` on the broker port
   * (also used for the security group of an existing cluster).
   *
   * @example
   * ```ts
   * net.openBrokersTo(net.functionsSecurityGroup, existingClusterSg);
   * ```
   */
  public openBrokersTo(clients: SecurityGroup, brokers: ISecurityGroup): void {
    brokers.addIngressRule(clients, Port.tcp(this.brokerPort), 'platform functions to the brokers');
    clients.addEgressRule(brokers, Port.tcp(this.brokerPort), 'Kafka to the brokers');
  }

  private newVpc(props: PlatformNetworkProps): Vpc {
    const flowLogs = platformLogGroup(this, 'FlowLogs', props.logs);
    const vpc = new Vpc(this, 'Vpc', {
      ipAddresses: IpAddresses.cidr('10.40.0.0/16'),
      maxAzs: 3,
      natGateways: props.natGateways,
      subnetConfiguration: [
        { name: 'public', subnetType: SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'private', subnetType: SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
      ],
      flowLogs: {
        all: {
          destination: FlowLogDestination.toCloudWatchLogs(flowLogs),
          trafficType: FlowLogTrafficType.ALL,
        },
      },
    });
    // ESM pollers write failed batches to the S3 on-failure destination
    // through an endpoint in the cluster's VPC (AWS requires one).
    vpc.addGatewayEndpoint('S3', { service: GatewayVpcEndpointAwsService.S3 });
    return vpc;
  }

  private importVpc(props: PlatformNetworkProps): IVpc {
    return Vpc.fromVpcAttributes(this, 'Vpc', {
      vpcId: props.vpcId ?? '',
      availabilityZones: [...(props.availabilityZones ?? [])],
      privateSubnetIds: [...(props.privateSubnetIds ?? [])],
    });
  }
}
